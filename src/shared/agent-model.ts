/**
 * An agent's model turn as a tool: the conversation so far and the tools the model may ask for go
 * in, the model's text and tool calls come out. Declared like any tool, so the model call takes the
 * one tool path (policy, retries under its own policy with a model's Retry-After honoured, trace,
 * token accounting against the budget) and the worker checks what the model answered against it.
 * Pure and sandbox-safe.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { AnyTool, defineTool, jsonSchemaOf, NON_RETRYABLE, retryPolicy } from './tool-contract';
import { PersonName } from './identity';
import { EarlierCallsState } from './policy';
import { TokenUsage } from './tools';

/** A tool call as the model asked for it: its arguments are a JSON string the model wrote, not yet believed. */
export const ModelToolCall = z.object({
  id: z.string().min(1).max(256),
  name: z.string().max(256),
  arguments: z.string().max(1_000_000),
});
export type ModelToolCall = z.infer<typeof ModelToolCall>;

/** One message of an agent's conversation (the instructions travel apart, as the system prompt). */
export const AgentMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string().nullable(), toolCalls: z.array(ModelToolCall) }),
  z.object({ role: z.literal('tool'), toolCallId: z.string(), name: z.string(), content: z.string(), isError: z.boolean() }),
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

/** A tool as the model is shown it: the JSON Schema of its input. */
export const ModelFacingTool = z.object({
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
export type ModelFacingTool = z.infer<typeof ModelFacingTool>;

export const ModelSettings = z.object({
  /** The model's name at the endpoint; default: the worker's (HARNESS_MODEL_NAME). */
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  /** `auto` (default): the model decides; `required`: it must call a tool; `none`: it may not. */
  toolChoice: z.enum(['auto', 'required', 'none']).optional(),
});
export type ModelSettings = z.infer<typeof ModelSettings>;

export const MODEL_TURN = defineTool({
  name: 'model_turn',
  description: "An agent's model turn: the conversation and the agent's tools in, text and tool calls out.",
  category: 'model_generation',
  risky: false,
  input: z.object({
    agent: z.string(),
    turn: z.number().int().min(1),
    instructions: z.string(),
    messages: z.array(AgentMessage),
    tools: z.array(ModelFacingTool),
    settings: ModelSettings,
  }),
  output: z.object({
    content: z.string().nullable(),
    toolCalls: z.array(ModelToolCall).max(64),
    /** As the endpoint said: `stop`, `tool_calls`, `length` (cut short), `content_filter`… */
    finishReason: z.string(),
    provider: z.string(),
    usage: TokenUsage.nullable().optional(),
  }),
  summarize: (input) => `${input.agent} turn ${input.turn} (${input.messages.length} message(s), ${input.tools.length} tool(s))`,
  startToCloseTimeoutMs: 120_000,
  heartbeatTimeoutMs: 10_000,
  execution: 'remote',
  retry: retryPolicy(5, 1_000, [NON_RETRYABLE.modelRejected]),
});
export type ModelTurnInput = z.infer<typeof MODEL_TURN.input>;
export type ModelTurnOutput = z.infer<typeof MODEL_TURN.output>;

/** The tool as a model is offered it: its name, description and the JSON Schema of its input. */
export function modelFacingTool(tool: AnyTool): ModelFacingTool {
  return { name: tool.name, description: tool.description, parameters: tool.inputJsonSchema ?? jsonSchemaOf(tool.input, 'input') };
}

/** What an agent's `conversation` query returns: its instructions and every message so far. */
export interface AgentConversation {
  instructions: string;
  messages: AgentMessage[];
}
export const conversationQuery = defineQuery<AgentConversation>('conversation');

/** A message for a running agent session (`harness send`): text for the agent, or the end of the session. */
export const SendPayload = z
  .object({
    text: z.string().trim().min(1).max(100_000).optional(),
    end: z.literal(true).optional(),
    from: PersonName.optional(),
  })
  .strict()
  .refine((payload) => (payload.text === undefined) !== (payload.end === undefined), 'give text, or end: true, not both');
export type SendPayload = z.infer<typeof SendPayload>;

export interface SendOutcome {
  /** Messages waiting for the agent, this one included (0 once the session is told to end). */
  queued: number;
  message: string;
}
export const sendUpdate = defineUpdate<SendOutcome, [SendPayload]>('send');

/** What a session carries into the run it continues as: the conversation and the counts so far. */
export const CarriedSession = z.object({
  messages: z.array(AgentMessage),
  answer: z.string().nullable(),
  /** The run now waits for a person's message (else it goes on with a model turn). */
  awaitingMessage: z.boolean(),
  turns: z.number().int().min(0),
  exchangeTurns: z.number().int().min(0),
  toolCalls: z.number().int().min(0),
  usage: TokenUsage,
  /** Runs of this session before this one. */
  runs: z.number().int().min(1),
  /** What the policy counts of the session's calls (maxCalls, requires); absent in sessions carried before it existed. */
  calls: EarlierCallsState.optional(),
});
export type CarriedSession = z.infer<typeof CarriedSession>;
