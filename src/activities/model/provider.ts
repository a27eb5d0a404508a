/** The model seam: planner, drafter and reviewer behind one interface, offline or a real endpoint. */
import type { Fact, TokenUsage } from '../../shared/tools';

export interface Review {
  passed: boolean;
  findings: string[];
}

/**
 * A model step's answer and what it cost. `usage` is undefined when no model was called
 * (offline, or a review decided without one) and null when the endpoint reported no usage.
 */
export interface ModelAnswer<T> {
  value: T;
  usage?: TokenUsage | null;
}

export interface ModelProvider {
  /** Shown in run state: `offline` or the configured model name. */
  readonly name: string;
  plan(topic: string, sourceTitles: string[]): Promise<ModelAnswer<string[]>>;
  draft(topic: string, plan: string[], facts: Fact[]): Promise<ModelAnswer<string>>;
  review(topic: string, markdown: string): Promise<ModelAnswer<Review>>;
}
