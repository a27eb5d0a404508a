/**
 * The approvals page's HTML. Every string that comes from a run (topic, draft, arguments, reasons,
 * names) goes through hono/html's escaping and `inert()`, so it is text: no markup, no script, no
 * link, and no bidi control reordering what the approver reads. The only script is /static/live.js
 * (the Content-Security-Policy allows nothing else).
 */
import { diffLines } from 'diff';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { PendingAction, RunState, TraceEvent } from '../../shared/run';
import type { RunRow } from '../api/list-runs';
import type { InboxSnapshot } from './inbox-feed';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Bidi controls would let a topic or a draft show the approver other text than it holds: shown by name instead. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const inert = (text: string | null | undefined): string =>
  (text ?? '').replace(BIDI_CONTROLS, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);

const runHref = (workflowId: string) => `/runs/${encodeURIComponent(workflowId)}`;

export function page(title: string, user: string | null, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${inert(title)} · durable-harness approvals</title>
        <link rel="stylesheet" href="/static/style.css" />
        <script src="/static/live.js" defer></script>
        <script src="/static/signing.js" defer></script>
      </head>
      <body data-user="${user ?? ''}">
        <header>
          <a class="brand" href="/">durable-harness · approvals</a>
          ${
            user
              ? html`<form method="post" action="/sign-out" class="who">
                  <span>Signed in as <strong>${inert(user)}</strong></span>
                  <a href="/key">Signing key</a>
                  <button type="submit">Sign out</button>
                </form>`
              : ''
          }
        </header>
        <main>${body}</main>
      </body>
    </html>`;
}

export function signInPage(error: string | null): Html {
  return page(
    'Sign in',
    null,
    html`<h1>Sign in</h1>
      <p>Paste the token <code>harness ui token YOUR-NAME</code> printed for you.</p>
      ${error ? html`<p class="notice refused" role="alert">${inert(error)}</p>` : ''}
      <form method="post" action="/sign-in" class="stack">
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>`,
  );
}

/** When the gate expires; the page's script turns it into a countdown ("expires in 6 d 23 h") from data-expires. */
function countdown(expiresAt: string | null, now: number): Html {
  if (!expiresAt) return html`<span>no expiry</span>`;
  const left = Date.parse(expiresAt) - now;
  return html`<time class="countdown" data-expires="${expiresAt}" datetime="${expiresAt}"
    >${left > 0 ? `expires ${expiresAt.slice(0, 16).replace('T', ' ')} UTC` : 'expired'}</time
  >`;
}

const approversText = (eligible: string[] | null) => (eligible === null ? 'anyone' : eligible.length ? eligible.join(', ') : 'nobody');

function inboxRow(row: RunRow, now: number): Html {
  const gate = row.gate;
  return html`<li class="run" data-run="${row.workflowId}">
    <a href="${runHref(row.workflowId)}"><span class="topic">${inert(row.topic) || inert(row.workflowId)}</span></a>
    <dl>
      <dt>Run</dt>
      <dd><code>${inert(row.workflowId)}</code></dd>
      <dt>Tool</dt>
      <dd>${gate ? html`<code>${inert(gate.tool)}</code>` : 'unknown (the run published no gate)'}</dd>
      <dt>Waiting since</dt>
      <dd>${gate?.requestedAt ?? row.startTime}</dd>
      <dt>Needs</dt>
      <dd>
        ${gate ? `${gate.minApprovals} approval${gate.minApprovals === 1 ? '' : 's'}` : '?'} · from
        ${approversText(gate?.eligibleApprovers ?? null)}
      </dd>
      <dt>Expiry</dt>
      <dd>${countdown(gate?.expiresAt ?? null, now)}</dd>
    </dl>
  </li>`;
}

/** The list part of the inbox: what the live script swaps in when the feed moves. */
export function inboxList(snapshot: InboxSnapshot, now = Date.now()): Html {
  return html`<section id="live" data-version="${String(snapshot.version)}" aria-live="polite">
    ${snapshot.error ? html`<p class="notice refused" role="alert">${inert(snapshot.error)}</p>` : ''}
    ${
      snapshot.rows.length
        ? html`<p>${snapshot.rows.length} run${snapshot.rows.length === 1 ? '' : 's'} waiting, oldest first.</p>
            <ol class="inbox">
              ${snapshot.rows.map((row) => inboxRow(row, now))}
            </ol>`
        : html`<p class="empty">Nothing is waiting for approval.</p>`
    }
  </section>`;
}

/** The inbox page around its list, rendered already (inboxList: escaped HTML, shared by every viewer). */
export const inboxPage = (user: string, list: Html): Html =>
  page(
    'Inbox',
    user,
    html`<h1>Waiting for approval</h1>
      ${list}`,
  );

export interface GateView {
  workflowId: string;
  /** The feed's version when rendered: the live script reloads the gate when it moves. */
  feedVersion: number;
  state: RunState | null;
  pending: PendingAction | null;
  /**
   * All of what waits for approval (the whole report, or the call's arguments as JSON) and, when an
   * approver's edit replaced the run's own draft, that draft: the page shows the difference.
   */
  full: { kind: 'markdown' | 'json'; text: string; original: string | null } | null;
  /** The execution waiting at the gate (Temporal's run id): what a signature binds, so it cannot serve a later run of the same id. */
  executionRunId: string | null;
  /** What the page could not read (no worker answered the query): said, not hidden. */
  unreadable: string | null;
  notice: { kind: 'done' | 'refused'; text: string } | null;
}

function traceList(trace: TraceEvent[]): Html {
  const last = trace.slice(-25);
  return html`<ol class="trace" start="${String(last[0]?.seq ?? 1)}">
    ${last.map(
      (e) =>
        html`<li>
          <time datetime="${e.at}">${e.at.slice(11, 19)}</time> <strong>${inert(e.type)}</strong> ${
            e.tool ? html`<code>${inert(e.tool)}</code>` : ''
          }
          ${inert(e.message)}
        </li>`,
    )}
  </ol>`;
}

/** What a signature over this gate says (signing.js adds the time and the note's digest): shared/signed-decision.ts. */
const statementFor = (view: GateView, pending: PendingAction, user: string, decision: 'approve' | 'reject') =>
  JSON.stringify({
    v: 1,
    workflowId: view.workflowId,
    runId: view.executionRunId,
    gate: pending.gate ?? 1,
    tool: pending.tool,
    digest: pending.digest,
    decision,
    approver: user,
  });

/** Edit-then-approve: the whole text, changed here; the run checks it (and reviews a report) before it counts. */
function editForm(view: GateView, full: NonNullable<GateView['full']>, pending: PendingAction, user: string): Html {
  return html`<form
    method="post"
    action="${runHref(view.workflowId)}/approve"
    class="stack edit"
    data-statement="${statementFor(view, pending, user, 'approve')}"
    data-edit="${full.kind}"
  >
    <input type="hidden" name="digest" value="${pending.digest}" />
    <input type="hidden" name="signature" value="" />
    <input type="hidden" name="edit-kind" value="${full.kind}" />
    <label for="edit"
      >${full.kind === 'markdown' ? 'The report, as you would have it written' : 'The arguments (JSON), as you would have the tool run'}</label
    >
    <textarea id="edit" name="edit" rows="16" spellcheck="false">${full.text}</textarea>
    <label for="edit-comment">Comment on your edit (optional)</label>
    <input id="edit-comment" name="comment" maxlength="2000" />
    <button type="submit">Approve with this edit</button>
  </form>`;
}

/** Line by line, what an edit changed: removed lines struck, added lines marked, both as text. */
function diffView(original: string, edited: string): Html {
  return html`<section class="diff" aria-label="What the edit changed">
    <h3>Changed by an edit at this gate</h3>
    <pre dir="ltr">
${diffLines(original, edited).map((part) =>
        part.added
          ? html`<ins>${inert(part.value)}</ins>`
          : part.removed
            ? html`<del>${inert(part.value)}</del>`
            : html`<span>${inert(part.value)}</span>`,
      )}</pre>
  </section>`;
}

function decisionForms(view: GateView, pending: PendingAction, user: string): Html {
  const id = runHref(view.workflowId);
  return html`<section class="decide" aria-label="Decide">
    <form method="post" action="${id}/approve" class="stack" data-statement="${statementFor(view, pending, user, 'approve')}">
      <input type="hidden" name="digest" value="${pending.digest}" />
      <input type="hidden" name="signature" value="" />
      <label for="comment">Comment (optional)</label>
      <input id="comment" name="comment" maxlength="2000" />
      <button type="submit" class="approve">Approve what is shown</button>
    </form>
    ${view.full ? editForm(view, view.full, pending, user) : ''}
    <form method="post" action="${id}/reject" class="stack" data-statement="${statementFor(view, pending, user, 'reject')}">
      <input type="hidden" name="signature" value="" />
      <label for="reason">Reason for rejecting</label>
      <input id="reason" name="reason" maxlength="2000" required />
      <button type="submit" class="reject">Reject</button>
    </form>
  </section>`;
}

function pendingSection(view: GateView, pending: PendingAction, user: string): Html {
  const approvals = pending.approvals;
  return html`<section class="gate" aria-label="The pending action">
      <h2>${pending.tool === 'finalize_report' ? 'Write this report?' : html`Run <code>${inert(pending.tool)}</code>?`}</h2>
      <p class="reason">${inert(pending.reason)}</p>
      <dl>
        <dt>Gate</dt>
        <dd>${String(pending.gate ?? 1)}</dd>
        ${
          pending.proposedPath
            ? html`<dt>Writes</dt>
                <dd><code>${inert(pending.proposedPath)}</code></dd>`
            : ''
        }
        <dt>Digest</dt>
        <dd><code class="digest">${pending.digest}</code></dd>
        <dt>Approvals</dt>
        <dd>
          ${String(approvals.length)} of
          ${String(pending.minApprovals)}${
            approvals.length
              ? html` (${approvals.map((a, i) => html`${i ? ', ' : ''}${inert(a.approver)}${a.signedWith ? ` signed with ${a.signedWith}` : ''}`)})`
              : ''
          };
          still needed: ${String(pending.stillNeeded)}
        </dd>
        <dt>Who may approve</dt>
        <dd>${inert(approversText(pending.eligibleApprovers))}${pending.allowSelfApproval ? '' : ' (not whoever started the run)'}</dd>
        <dt>Expiry</dt>
        <dd>${countdown(pending.expiresAt, Date.now())}</dd>
        ${
          pending.signatureRequired
            ? html`<dt>Signatures</dt>
                <dd>This gate counts only signed decisions: <a href="/key">load your signing key</a> into this browser first.</dd>`
            : ''
        }
      </dl>
      <h3>${pending.tool === 'finalize_report' ? 'The report it would write' : 'The arguments'}</h3>
      <pre class="preview" dir="ltr">${inert(view.full?.text ?? pending.preview.firstLines.join('\n'))}</pre>
      <p class="meta">
        ${String(pending.preview.lineCount)} lines, ${String(pending.preview.charCount)}
        characters${
          !view.full && pending.preview.firstLines.length < pending.preview.lineCount
            ? ' (the first lines shown: no worker answered for the rest; the digest covers all of it)'
            : ''
        }
      </p>
      ${view.full?.original != null && view.full.original !== view.full.text ? diffView(view.full.original, view.full.text) : ''}
      ${
        pending.review
          ? html`<h3>Review</h3>
              <p>${pending.review.passed ? 'Passed' : 'Did not pass'}</p>
              <ul>
                ${pending.review.findings.map((f) => html`<li>${inert(f)}</li>`)}
              </ul>`
          : ''
      }
    </section>
    ${decisionForms(view, pending, user)}`;
}

/** The part of a run's page the live script reloads. */
export function gateBody(user: string, view: GateView): Html {
  const state = view.state;
  const report = state?.artifacts.report;
  return html`<section id="live" data-version="${String(view.feedVersion)}" data-run="${view.workflowId}" aria-live="polite">
    <h1>${inert(state?.topic) || inert(view.workflowId)}</h1>
    <p>
      Run <code>${inert(view.workflowId)}</code> · status <strong class="status">${state?.status ?? 'unknown'}</strong>${
        state?.policy ? html` · policy <code>${inert(state.policy.name)}</code>` : ''
      }
    </p>
    ${view.unreadable ? html`<p class="notice refused" role="alert">${inert(view.unreadable)}</p>` : ''}
    ${report ? html`<p class="report">Report written: <code>${inert(report.path)}</code> (${String(report.bytes)} bytes)</p>` : ''}
    ${view.pending ? pendingSection(view, view.pending, user) : state ? html`<p>This run is not waiting for approval.</p>` : ''}
    ${
      state
        ? html`<h2>Trace so far</h2>
            ${traceList(state.trace)}`
        : ''
    }
  </section>`;
}

/** The decision's outcome sits outside the live part: it stays while the run moves on under it. */
export const gatePage = (user: string, view: GateView): Html =>
  page(
    view.state?.topic ?? view.workflowId,
    user,
    html`<p><a href="/">← Inbox</a></p>
      ${view.notice ? html`<p class="notice ${view.notice.kind}" role="status">${inert(view.notice.text)}</p>` : ''}
      <p id="changed" class="notice" hidden>This run moved while you were typing: <a href="">reload it</a> before deciding.</p>
      ${gateBody(user, view)}`,
  );

export const keyPage = (user: string): Html =>
  page(
    'Signing key',
    user,
    html`<h1>Signing key</h1>
      <p>
        Where a policy asks for signed decisions, this browser signs yours with your Ed25519 key, the
        <code>.key</code> file <code>harness keys generate</code> wrote. The key is imported into this browser's WebCrypto store as a key
        that cannot be read back, and it is never sent to the server: only each decision's signature is.
      </p>
      <p id="key-status" role="status">No signing key in this browser.</p>
      <p class="stack">
        <label for="key-file">Your private key file</label>
        <input id="key-file" type="file" accept=".key,.pem" />
        <button id="key-forget" type="button">Forget the key</button>
      </p>`,
  );

export const notFoundPage = (user: string | null, what: string): Html =>
  page(
    'Not found',
    user,
    html`<h1>Not found</h1>
      <p>${inert(what)}</p>
      <p><a href="/">Inbox</a></p>`,
  );
