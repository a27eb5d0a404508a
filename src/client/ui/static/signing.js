// Signed decisions from the browser. The approver's Ed25519 key (the PKCS#8 file `harness keys
// generate` wrote) is read here, imported into WebCrypto as a non-extractable key and kept in this
// browser's IndexedDB: it is never sent anywhere. At a gate, the approve and reject forms carry the
// statement the run expects; this script adds the time and the note's digest, signs exactly the
// bytes the workflow verifies (shared/signed-decision.ts) and submits the signature with the form.
(() => {
  'use strict';
  const TAG = 'durable-harness signed decision\n';
  const STORE = 'signing-keys';

  const database = () =>
    new Promise((resolve, reject) => {
      const open = indexedDB.open('durable-harness', 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  async function inStore(mode, use) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = use(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const storedKey = (name) => inStore('readonly', (s) => s.get(name));

  const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const base64Bytes = (text) =>
    Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  const sha256 = async (text) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  /** The same canonical JSON as shared/digest.ts: keys sorted, undefined left out. */
  function canonical(value) {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value && typeof value === 'object')
      return `{${Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
        .join(',')}}`;
    return JSON.stringify(value);
  }

  async function importKeyFile(text) {
    const pem = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(text);
    if (!pem) throw new Error('not a private key file (harness keys generate writes one)');
    const readable = await crypto.subtle.importKey('pkcs8', base64Bytes(pem[1]), { name: 'Ed25519' }, true, ['sign']);
    // Its public half, read once from the JWK; the key kept is imported again, not extractable.
    const jwk = await crypto.subtle.exportKey('jwk', readable);
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
    return { key, publicKey: `ed25519:${hex(base64Bytes(jwk.x))}` };
  }

  async function showKey(name) {
    const status = document.getElementById('key-status');
    if (!status) return;
    const stored = await storedKey(name);
    status.textContent = stored
      ? `This browser signs ${name}'s decisions with ${stored.publicKey} (fingerprint ${(await sha256(stored.publicKey)).slice(0, 16)}).`
      : 'No signing key in this browser.';
  }

  async function keyPage(name) {
    const input = document.getElementById('key-file');
    const forget = document.getElementById('key-forget');
    if (!input) return;
    await showKey(name);
    input.addEventListener('change', async () => {
      const file = input.files[0];
      input.value = '';
      try {
        const imported = await importKeyFile(await file.text());
        await inStore('readwrite', (s) => s.put(imported, name));
      } catch (err) {
        document.getElementById('key-status').textContent = `Not imported: ${err.message}`;
        return;
      }
      await showKey(name);
    });
    forget.addEventListener('click', async () => {
      await inStore('readwrite', (s) => s.delete(name));
      await showKey(name);
    });
  }

  /** The edit as the server sends it to the run (app.ts editOf): the report's text, or the arguments parsed. */
  function editOf(form) {
    const text = form.querySelector('[name=edit]').value;
    return form.dataset.edit === 'json' ? JSON.parse(text) : text;
  }

  /** Adds the signature when this browser holds the approver's key; without one the form goes as it is. */
  async function submitSigned(form) {
    // Tells live.js not to swap this form out while it is being signed (a detached form never submits).
    document.body.dataset.submitting = 'yes';
    const stored = await storedKey(document.body.dataset.user).catch(() => undefined);
    // A statement that cannot be made (arguments that are not JSON) goes unsigned: the run says why it refuses.
    if (stored)
      try {
        const field = form.querySelector('[name=comment], [name=reason]');
        field.value = field.value.trim();
        const statement = {
          ...JSON.parse(form.dataset.statement),
          at: new Date().toISOString(),
          edit: form.dataset.edit ? await sha256(canonical(editOf(form))) : null,
          note: field.value ? await sha256(field.value) : null,
        };
        const bytes = new TextEncoder().encode(TAG + canonical(statement));
        const signature = hex(await crypto.subtle.sign({ name: 'Ed25519' }, stored.key, bytes));
        form.querySelector('[name=signature]').value = JSON.stringify({ statement, signature });
      } catch {
        form.querySelector('[name=signature]').value = '';
      }
    form.submit();
  }

  document.addEventListener('DOMContentLoaded', () => void keyPage(document.body.dataset.user));
  // On the document: the live script may swap the forms in after the page loaded.
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.statement) return;
    event.preventDefault();
    void submitSigned(form);
  });
})();
