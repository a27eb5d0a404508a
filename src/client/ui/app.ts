/**
 * `harness ui`: the approvals page as a Hono application. Routes: sign-in, the inbox, a run's page,
 * approve and reject, and /events, the server-sent events that keep open pages live. Every request
 * passes the host guard (a foreign Host or Origin is refused, whatever address the server is bound
 * to); every page carries a Content-Security-Policy that runs only our own script.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpBindings } from '@hono/node-server';
import { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { streamSSE } from 'hono/streaming';
import { hostRefusal } from '../../net/host-guard';
import { PersonName } from '../../shared/identity';
import type { Signature } from '../../shared/signed-decision';
import { MAX_EDIT_CHARS, TERMINAL_STATUSES } from '../../shared/run';
import type { RunSnapshot } from '../../shared/run-snapshot';
import type { HarnessClient } from '../api/connect';
import { decide } from '../api/decide';
import { HarnessError } from '../api/harness-error';
import { readSnapshot } from '../api/runs';
import { tokenHolder } from './approver-tokens';
import type { InboxFeed } from './inbox-feed';
import { RunWatches } from './run-watch';
import { gateBody, gatePage, GateView, inboxList, inboxPage, keyPage, notFoundPage, signInPage } from './views';

/** Who is deciding: a token the harness issued, or (behind a proxy that authenticates) a header it sets. */
export type SignIn = { tokenFile: string } | { trustedHeader: string };

export interface UiOptions {
  h: HarnessClient;
  feed: InboxFeed;
  signIn: SignIn;
  /** The Host values this server answers to (net/host-guard). */
  allowedHosts: () => Set<string>;
}

interface Session {
  name: string;
  expiresAt: number;
  /** One message for the next page this session sees (what a decision did). */
  notice: GateView['notice'];
}

const SESSION_COOKIE = 'dh_ui_session';
const SESSION_MS = 12 * 3_600_000;
const CLOSED_RUNS_KEPT = 500;
/** An SSE comment this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
const STATIC_DIR = path.join(__dirname, 'static');
const STATIC: Record<string, { type: string; body: string }> = {
  'live.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(STATIC_DIR, 'live.js'), 'utf8') },
  'signing.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(STATIC_DIR, 'signing.js'), 'utf8') },
  'style.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(STATIC_DIR, 'style.css'), 'utf8') },
};

/** The form's signature field as the payload's: a shape the run's schema then checks in full. */
function parsedSignature(text: string): Signature {
  try {
    return JSON.parse(text) as Signature;
  } catch {
    throw new HarnessError('the signature sent with this decision is not JSON');
  }
}

/** All of what waits at the gate, as the approver reads and edits it (what `harness draft` prints). */
function fullText(snapshot: RunSnapshot | null): GateView['full'] {
  const call = snapshot?.pendingCall;
  if (!call || snapshot?.state.status !== 'waiting_approval') return null;
  if (call.tool === 'finalize_report' && typeof call.args.markdown === 'string')
    return { kind: 'markdown', text: call.args.markdown, original: snapshot.drafted?.markdown ?? null };
  return { kind: 'json', text: JSON.stringify(call.args, null, 2), original: null };
}

/** The edit as the run takes it: a report's text (a browser sends CRLF line ends; the report has LF), or arguments parsed. */
function editOf(kind: string, text: string): unknown {
  if (kind === 'markdown') return text.replace(/\r\n/g, '\n');
  try {
    return JSON.parse(text);
  } catch {
    throw new HarnessError('the edited arguments are not JSON');
  }
}

type Env = { Bindings: HttpBindings; Variables: { user: string; session: Session | null } };

export function uiApp({ h, feed, signIn, allowedHosts }: UiOptions): { app: Hono<Env>; close(): void } {
  const sessions = new Map<string, Session>();
  // An ended run never changes, and reading one means replaying its history: kept, the newest few hundred.
  const closedRuns = new Map<string, RunSnapshot>();
  const remember = (workflowId: string, snapshot: RunSnapshot) => {
    closedRuns.delete(workflowId);
    closedRuns.set(workflowId, snapshot);
    if (closedRuns.size > CLOSED_RUNS_KEPT) closedRuns.delete(closedRuns.keys().next().value!);
  };
  const watches = new RunWatches(h, feed);
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const refused = hostRefusal(c.env.incoming, allowedHosts());
    // A form another site posts here carries its Origin (refused above) or says cross-site.
    const crossSite = c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.header('sec-fetch-site') === 'cross-site';
    if (refused || crossSite) return c.text(`${refused ?? 'cross-site request refused'}\n`, 403);
    await next();
  });
  // The largest honest form is an edit (UTF-8, URL-encoded up to 9 bytes a character) with its signature.
  app.use('*', bodyLimit({ maxSize: MAX_EDIT_CHARS * 9 + 64 * 1024, onError: (c) => c.text('request body too large\n', 413) }));
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      // Not no-referrer: with it Chromium sends `Origin: null` on our own form posts, which the host guard refuses.
      referrerPolicy: 'same-origin',
      strictTransportSecurity: false,
    }),
  );

  app.get('/static/:file', (c) => {
    const file = STATIC[c.req.param('file')];
    return file ? c.body(file.body, 200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache' }) : c.notFound();
  });

  const sessionOf = (c: Context<Env>): Session | null => {
    const id = getCookie(c, SESSION_COOKIE);
    const session = id ? sessions.get(id) : undefined;
    if (!session || session.expiresAt < Date.now()) return null;
    return session;
  };

  app.get('/sign-in', (c) => ('tokenFile' in signIn ? c.html(signInPage(null)) : c.redirect('/')));
  app.post('/sign-in', async (c) => {
    if (!('tokenFile' in signIn)) return c.redirect('/');
    const form = await c.req.parseBody();
    const name = typeof form.token === 'string' ? await tokenHolder(form.token.trim(), signIn.tokenFile) : null;
    if (!name) return c.html(signInPage('That token signs nobody in (ask for a new one: harness ui token NAME).'), 401);
    const id = randomBytes(32).toString('base64url');
    for (const [other, session] of sessions) if (session.expiresAt < Date.now()) sessions.delete(other);
    sessions.set(id, { name, expiresAt: Date.now() + SESSION_MS, notice: null });
    setCookie(c, SESSION_COOKIE, id, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_MS / 1000 });
    return c.redirect('/', 303);
  });
  app.post('/sign-out', (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) sessions.delete(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/sign-in', 303);
  });

  // Everything below needs to know who is asking.
  app.use('*', async (c, next) => {
    if ('trustedHeader' in signIn) {
      const claimed = PersonName.safeParse(c.req.header(signIn.trustedHeader) ?? '');
      if (!claimed.success) return c.text(`no valid ${signIn.trustedHeader} header: the proxy in front must authenticate\n`, 401);
      c.set('user', claimed.data);
      c.set('session', null);
      return next();
    }
    const session = sessionOf(c);
    if (!session)
      return c.req.method === 'GET' && !c.req.path.startsWith('/events') ? c.redirect('/sign-in') : c.text('sign in first\n', 401);
    c.set('user', session.name);
    c.set('session', session);
    return next();
  });

  // The list is the same for everyone: rendered once per feed version, however many viewers fetch it.
  let rendered: { version: number; html: Promise<string> } | null = null;
  const inboxHtml = () => {
    const snapshot = feed.current();
    if (rendered?.version !== snapshot.version)
      rendered = { version: snapshot.version, html: Promise.resolve(inboxList(snapshot)).then(String) };
    return rendered.html;
  };
  app.get('/', async (c) => c.html(inboxPage(c.var.user, raw(await inboxHtml()))));
  app.get('/fragments/inbox', async (c) => c.html(await inboxHtml()));

  const gateView = async (c: Context<Env>, workflowId: string): Promise<GateView> => {
    let snapshot: RunSnapshot | null = closedRuns.get(workflowId) ?? null;
    let unreadable: string | null = null;
    let executionRunId: string | null = null;
    try {
      const run = h.client.workflow.getHandle(workflowId);
      snapshot ??= await readSnapshot(h, run);
      if (snapshot.state.status === 'waiting_approval') executionRunId = (await run.describe()).runId;
    } catch (err) {
      unreadable = `${(err as Error).message.split('\n')[0]}`;
    }
    const state = snapshot?.state ?? null;
    if (snapshot && state && TERMINAL_STATUSES.includes(state.status)) remember(workflowId, snapshot);
    const pending = state?.status === 'waiting_approval' ? state.pendingAction : null;
    return {
      workflowId,
      feedVersion: feed.current().version,
      state,
      pending,
      full: fullText(snapshot),
      executionRunId,
      unreadable,
      notice: null,
    };
  };
  const isUnknownRun = (view: GateView) => !view.state && /not found/i.test(view.unreadable ?? '');

  app.get('/runs/:id', async (c) => {
    const view = await gateView(c, c.req.param('id'));
    if (isUnknownRun(view)) return c.html(notFoundPage(c.var.user, `No run ${view.workflowId}.`), 404);
    // The notice of this session's last decision is shown once, on the page it redirected to.
    const notice = c.var.session?.notice ?? null;
    if (c.var.session) c.var.session.notice = null;
    return c.html(gatePage(c.var.user, { ...view, notice }));
  });
  app.get('/fragments/runs/:id', async (c) => c.html(gateBody(c.var.user, await gateView(c, c.req.param('id')))));
  app.get('/key', (c) => c.html(keyPage(c.var.user)));

  const decided = async (c: Context<Env>, kind: 'approve' | 'reject') => {
    const workflowId = c.req.param('id')!;
    const form = await c.req.parseBody();
    const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');
    const rawEdit = typeof form.edit === 'string' ? form.edit : '';
    let notice: GateView['notice'];
    try {
      // The browser's signature (signing.js), checked by the run against the policy's keys; never made here.
      const signature = text('signature') ? { signature: parsedSignature(text('signature')) } : {};
      const result =
        kind === 'approve'
          ? await decide(h, workflowId, 'approve', {
              approver: c.var.user,
              digest: text('digest'),
              comment: text('comment') || undefined,
              ...(rawEdit ? { edit: editOf(text('edit-kind'), rawEdit) as string } : {}),
              ...signature,
            })
          : await decide(h, workflowId, 'reject', { approver: c.var.user, reason: text('reason'), ...signature });
      notice = { kind: 'done', text: result.message };
    } catch (err) {
      if (!(err instanceof HarnessError)) throw err;
      notice = { kind: 'refused', text: err.message };
    }
    await feed.refresh();
    const session = c.var.session;
    if (session) session.notice = notice;
    // Behind a header-authenticating proxy there is no session to carry the notice: show it now.
    if (!session) return c.html(gatePage(c.var.user, { ...(await gateView(c, workflowId)), notice }));
    return c.redirect(`/runs/${encodeURIComponent(workflowId)}`, 303);
  };
  app.post('/runs/:id/approve', (c) => decided(c, 'approve'));
  app.post('/runs/:id/reject', (c) => decided(c, 'reject'));

  // One stream per open page: `inbox` when the waiting runs change, `run` when the watched run moves.
  app.get('/events', (c) => {
    const workflowId = c.req.query('run');
    return streamSSE(c, async (stream) => {
      const unsubscribes = [
        feed.subscribe((snapshot) => void stream.writeSSE({ event: 'inbox', data: String(snapshot.version) })),
        ...(workflowId ? [watches.subscribe(workflowId, (version) => void stream.writeSSE({ event: 'run', data: String(version) }))] : []),
      ];
      await stream.writeSSE({ event: 'inbox', data: String(feed.current().version) });
      const keepalive = setInterval(() => void stream.write(': keepalive\n\n'), KEEPALIVE_MS);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(keepalive);
      unsubscribes.forEach((unsubscribe) => unsubscribe());
    });
  });

  return {
    app,
    close: () => {
      watches.stopAll();
      sessions.clear();
    },
  };
}
