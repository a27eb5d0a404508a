/** Builds the activities object the worker registers: one activity per tool, named after it. */
import type { HarnessActivities, LoadedPolicySnapshot } from '../shared/tools';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../config/policy-file';
import { MODEL_TURN } from '../shared/agent-model';
import { defineToolActivity, implementTool, ToolImplementation } from './define-tool-activity';
import type { ChatModel } from './model/chat-model';
import { extractFacts } from './extract-facts';
import { finalizeReport, FinalizeHooks } from './finalize-report';
import type { ModelProvider } from './model/provider';
import { searchSources } from './search-sources';
import { sha256 } from './text';

export interface ActivityDeps {
  outputRoot: string;
  model: ModelProvider;
  finalizeHooks?: FinalizeHooks;
  /** The worker's default policy, for runs started without a snapshot. */
  defaultPolicy?: () => Promise<LoadedPolicySnapshot>;
}

export function createActivities({ outputRoot, model, finalizeHooks, defaultPolicy }: ActivityDeps): HarnessActivities {
  return {
    load_default_policy: defaultPolicy ?? (() => loadPolicyFile(DEFAULT_POLICY_FILE)),
    plan_run: defineToolActivity('plan_run', async ({ topic, sourceTitles }) => {
      const { value, usage } = await model.plan(topic, sourceTitles);
      return { steps: value, provider: model.name, usage };
    }),
    search_sources: defineToolActivity('search_sources', searchSources),
    extract_facts: defineToolActivity('extract_facts', extractFacts),
    draft_report: defineToolActivity('draft_report', async ({ topic, plan, facts }) => {
      const { value: markdown, usage } = await model.draft(topic, plan, facts);
      return { markdown, sha256: sha256(markdown), provider: model.name, usage };
    }),
    review_draft: defineToolActivity('review_draft', async ({ topic, markdown }) => {
      const { value, usage } = await model.review(topic, markdown);
      return { ...value, provider: model.name, sha256: sha256(markdown), usage };
    }),
    finalize_report: defineToolActivity('finalize_report', finalizeReport(outputRoot, finalizeHooks)),
  };
}

/** An agent's model turn as the activity `model_turn`: what the model answered is checked against the tool's output schema. */
export function modelTurnActivity(model: ChatModel): ToolImplementation<typeof MODEL_TURN> {
  return implementTool(MODEL_TURN, async (input) => ({ ...(await model.turn(input)), provider: model.name }));
}
