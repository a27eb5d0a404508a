/**
 * The workflows module the worker bundles (HARNESS_WORKFLOWS): one governed workflow on the
 * harness's kernel. Workflow code: deterministic, imports only workflow-safe modules.
 */
import { defineWorkflow } from 'durable-harness/workflow';
import { z } from 'zod';
import { fileTicket, lookupTicket } from './tools';

/** Which queue a ticket belongs in: plain rules over its words, so the run replays the same. */
function queueOf(subject: string, body: string): 'urgent' | 'billing' | 'support' {
  const text = `${subject} ${body}`.toLowerCase();
  if (/outage|urgent|down|500/.test(text)) return 'urgent';
  if (/invoice|vat|refund|charge/.test(text)) return 'billing';
  return 'support';
}

export const triage = defineWorkflow({
  name: 'triage',
  description: 'Reads a ticket, picks its queue and files it there once approved.',
  input: z.object({ ticketId: z.string().regex(/^T-\d{1,6}$/) }).strict(),
  tools: [lookupTicket, fileTicket],
  topic: (input) => `triage ${input.ticketId}`,
  run: async (input, harness) => {
    const { ticket } = await harness.call(lookupTicket, { ticketId: input.ticketId });
    const queue = queueOf(ticket.subject, ticket.body);
    const filed = await harness.call(fileTicket, {
      runId: harness.workflowId,
      ticketId: ticket.id,
      queue,
      note: `${ticket.customer}: ${ticket.subject}`,
    });
    return { queue, message: filed.message };
  },
});
