/** The model seam: planner, drafter and reviewer behind one interface, offline or a real endpoint. */
import type { Fact } from '../../shared/tools';

export interface Review {
  passed: boolean;
  findings: string[];
}

export interface ModelProvider {
  /** Shown in run state: `offline` or the configured model name. */
  readonly name: string;
  plan(topic: string, sourceTitles: string[]): Promise<string[]>;
  draft(topic: string, plan: string[], facts: Fact[]): Promise<string>;
  review(topic: string, markdown: string): Promise<Review>;
}
