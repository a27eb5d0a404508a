/**
 * The triage agent's tools, declared once: what the workflow calls, what the policy governs and
 * what the worker implements (src/activities.ts). Workflow-safe: no I/O here.
 */
import { defineTool } from 'durable-harness/workflow';
import { z } from 'zod';

export const Ticket = z.object({ id: z.string(), subject: z.string(), body: z.string(), customer: z.string() });

/** Read-only: a ticket from the local data set. */
export const lookupTicket = defineTool({
  name: 'lookup_ticket',
  description: 'Reads a ticket from the support data set.',
  category: 'read_only',
  input: z.object({ ticketId: z.string().regex(/^T-\d{1,6}$/) }),
  output: z.object({ ticket: Ticket }),
  execution: 'local',
  summarize: (input) => `look up ${input.ticketId}`,
});

/** The side effect: a message in the queue's maildir. Risky, so the policy gates it. */
export const fileTicket = defineTool({
  name: 'file_ticket',
  description: 'Files the ticket in a queue: one message in the queue maildir.',
  category: 'external_write',
  risky: true,
  input: z.object({ runId: z.string(), ticketId: z.string(), queue: z.enum(['urgent', 'billing', 'support']), note: z.string().max(500) }),
  output: z.object({ message: z.string() }),
  summarize: (input) => `file ${input.ticketId} in ${input.queue}`,
});
