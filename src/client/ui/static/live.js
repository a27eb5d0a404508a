// The approvals page's only script: keeps the open page current from /events (server-sent events)
// and counts expiry down. It swaps in fragments the server rendered and escaped; it never builds
// markup from a run's data itself.
(() => {
  'use strict';
  const live = () => document.getElementById('live');
  const runId = () => live()?.dataset.run ?? null;
  const fragmentUrl = () => (runId() ? `/fragments/runs/${encodeURIComponent(runId())}` : '/fragments/inbox');

  /** Someone typing a reason or a comment is not interrupted: the page says it changed instead. */
  const busy = () =>
    document.body.dataset.submitting === 'yes' ||
    [...document.querySelectorAll('#live input:not([type=hidden]), #live textarea')].some(
      (field) => field === document.activeElement || field.value !== field.defaultValue,
    );

  let reloading = false;
  async function reload() {
    if (reloading) return;
    if (busy()) {
      document.getElementById('changed')?.removeAttribute('hidden');
      return;
    }
    reloading = true;
    try {
      const response = await fetch(fragmentUrl(), { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
      if (!response.ok) return;
      const next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('live');
      // Asked again: a decision may have been submitted while the fragment was on its way.
      if (busy()) return document.getElementById('changed')?.removeAttribute('hidden');
      if (next) live()?.replaceWith(document.adoptNode(next));
      tick();
    } finally {
      reloading = false;
    }
  }

  /** The two largest units: 6 d 23 h, 4 min 10 s. */
  function timeLeft(ms) {
    const units = [
      ['d', 86400],
      ['h', 3600],
      ['min', 60],
      ['s', 1],
    ];
    let seconds = Math.ceil(ms / 1000);
    const parts = [];
    for (const [unit, size] of units) {
      if (seconds >= size || (unit === 's' && !parts.length)) parts.push(`${Math.floor(seconds / size)} ${unit}`);
      seconds %= size;
    }
    return parts.slice(0, 2).join(' ');
  }

  function tick() {
    for (const el of document.querySelectorAll('time.countdown')) {
      const left = Date.parse(el.dataset.expires) - Date.now();
      el.textContent = left > 0 ? `expires in ${timeLeft(left)}` : 'expired';
    }
  }

  function connect() {
    if (!live()) return;
    const query = runId() ? `?run=${encodeURIComponent(runId())}` : '';
    const events = new EventSource(`/events${query}`);
    events.addEventListener(runId() ? 'run' : 'inbox', (event) => {
      if (runId() || event.data !== live()?.dataset.version) void reload();
    });
    document.body.dataset.live = 'connected';
  }

  document.addEventListener('DOMContentLoaded', () => {
    connect();
    tick();
    setInterval(tick, 1000);
  });
})();
