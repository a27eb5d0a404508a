/**
 * The tools' implementations (HARNESS_TOOLS): all I/O lives here. The data set is read from
 * data/tickets.json; a filed ticket is a message delivered to a maildir (tmp/, then rename into
 * new/), named after the run and the ticket, so a retried attempt finds it and writes nothing again.
 */
import { implementTool } from 'durable-harness/worker';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fileTicket, lookupTicket, Ticket } from './tools';

const DATA = process.env.TRIAGE_TICKETS ?? path.join(__dirname, '..', 'data', 'tickets.json');
const MAILDIR = process.env.TRIAGE_MAILDIR ?? path.join(__dirname, '..', 'maildir');

export const lookup = implementTool(lookupTicket, async ({ ticketId }) => {
  const tickets = z.array(Ticket).parse(JSON.parse(await fs.readFile(DATA, 'utf8')));
  const ticket = tickets.find((t) => t.id === ticketId);
  if (!ticket) throw new Error(`no ticket ${ticketId} in ${DATA}`);
  return { ticket };
});

export const filing = implementTool(fileTicket, async ({ runId, ticketId, queue, note }) => {
  const name = `${runId}.${ticketId}.triage`;
  const delivered = path.join(MAILDIR, 'new', name);
  if (await exists(delivered)) return { message: delivered };
  await Promise.all(['tmp', 'new', 'cur'].map((dir) => fs.mkdir(path.join(MAILDIR, dir), { recursive: true })));
  const draft = path.join(MAILDIR, 'tmp', name);
  const text = [`To: ${queue}@support.example`, `Subject: [${ticketId}] ${note}`, `X-Harness-Run: ${runId}`, '', note, ''].join('\r\n');
  await fs.writeFile(draft, text, { flag: 'w' });
  await fs.rename(draft, delivered);
  return { message: delivered };
});

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
