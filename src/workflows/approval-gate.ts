/**
 * The approval gate before a risky tool: who may approve (policy approvers and roles, quorum,
 * self-approval), until when (expiry, escalation), and edit-on-approve. Decisions arrive as
 * updates (validated synchronously, so callers hear refusals) or as signals (refusals recorded
 * in the trace); both go through the same checks.
 */
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { diffSummary } from '../shared/diff-summary';
import { approveSignal, approveUpdate, DESCRIPTIONS, rejectSignal, rejectUpdate, UpdateOutcome } from '../shared/messages';
import { approvalRefusal, eligibleApprovers, parseDuration, Policy, toolPolicy } from '../shared/policy';
import { Approval, ApprovePayload, Decision, PendingAction, previewOf, RejectPayload } from '../shared/run';
import { describeZodError } from '../shared/tools';
import { callTool, CallOptions, ToolFailedError } from './call-tool';
import type { RunRecorder } from './run-recorder';

export interface Draft {
  markdown: string;
  digest: string;
}

export interface GateSetup {
  run: RunRecorder;
  /** Replaced by usePolicy() once the run's policy is resolved (handlers exist before that). */
  policy: Policy;
  startedBy: string;
  topic: string;
  previewLines: number;
  callOptions: CallOptions;
}

const TOOL = 'finalize_report' as const;

export class ApprovalGate {
  private draft: Draft | null = null;
  private rejection: Decision | null = null;
  private reviewingEdit = false;
  private expiresAtMs: number | null = null;

  constructor(private readonly setup: GateSetup) {
    const parseApprove = (raw: unknown) => parsePayload(ApprovePayload, raw);
    const parseReject = (raw: unknown) => parsePayload(RejectPayload, raw);

    setHandler(
      approveSignal,
      (raw) => {
        const payload = parseApprove(raw);
        const refused = typeof payload === 'string' ? payload : this.approveRefusal(payload, false);
        if (refused) return this.refuse('approve', refused);
        this.recordApproval(payload as ApprovePayload);
      },
      { description: DESCRIPTIONS.approve },
    );
    setHandler(
      rejectSignal,
      (raw) => {
        const payload = parseReject(raw);
        const refused = typeof payload === 'string' ? payload : this.notPending();
        if (refused) return this.refuse('reject', refused);
        this.recordRejection(payload as RejectPayload);
      },
      { description: DESCRIPTIONS.reject },
    );
    setHandler(approveUpdate, (payload) => (payload.edit !== undefined ? this.approveEdited(payload) : this.recordApproval(payload)), {
      description: DESCRIPTIONS.approve,
      validator: (raw) => {
        const payload = parseApprove(raw);
        const refused = typeof payload === 'string' ? payload : this.approveRefusal(payload, true);
        if (refused) throw new Error(refused);
      },
    });
    setHandler(rejectUpdate, (payload) => this.recordRejection(payload), {
      description: DESCRIPTIONS.reject,
      validator: (raw) => {
        const payload = parseReject(raw);
        const refused = typeof payload === 'string' ? payload : this.notPending();
        if (refused) throw new Error(refused);
      },
    });
  }

  usePolicy(policy: Policy): void {
    this.setup.policy = policy;
  }

  private get pending(): PendingAction | null {
    return this.setup.run.state.pendingAction;
  }

  private get rules() {
    return toolPolicy(this.setup.policy, TOOL);
  }

  /** Opens the gate for a reviewed draft and waits for the decision (or expiry). */
  async decide(
    draft: Draft,
    review: { passed: boolean; findings: string[] },
    proposedPath: string,
  ): Promise<{ decision: Decision; draft: Draft }> {
    const { run } = this.setup;
    this.draft = draft;
    const timeoutMs = this.rules.timeout ? parseDuration(this.rules.timeout) : null;
    // Date.now() here is the workflow clock (the task's time in history), so expiry replays identically.
    this.expiresAtMs = timeoutMs === null ? null : Date.now() + timeoutMs;
    run.state.currentStep = 'approval';
    run.state.pendingAction = {
      tool: TOOL,
      reason: `${TOOL} writes to the filesystem (risky, filesystem_write); policy "${this.setup.policy.name}" requires approval.`,
      proposedPath,
      preview: previewOf(draft.markdown, this.setup.previewLines),
      review,
      digest: draft.digest,
      requestedAt: run.now(),
      approvals: [],
      minApprovals: this.rules.minApprovals,
      stillNeeded: this.rules.minApprovals,
      eligibleApprovers: eligibleApprovers(this.setup.policy, TOOL, false),
      allowSelfApproval: this.rules.allowSelfApproval,
      expiresAt: this.expiresAtMs === null ? null : new Date(this.expiresAtMs).toISOString(),
      escalated: false,
    };
    run.setStatus('waiting_approval');
    run.event('approval_required', { tool: TOOL, data: { digest: draft.digest, minApprovals: this.rules.minApprovals } });

    for (;;) {
      if (this.expiresAtMs === null) {
        await condition(() => this.decided());
        break;
      }
      if (await condition(() => this.decided(), Math.max(1, this.expiresAtMs - Date.now()))) break;
      const pending = this.pending!;
      if (this.rules.onTimeout === 'escalate' && !pending.escalated) {
        pending.escalated = true;
        pending.eligibleApprovers = eligibleApprovers(this.setup.policy, TOOL, true);
        this.expiresAtMs = Date.now() + timeoutMs!;
        pending.expiresAt = new Date(this.expiresAtMs).toISOString();
        run.event('approval_escalated', {
          tool: TOOL,
          data: { eligibleApprovers: pending.eligibleApprovers, expiresAt: pending.expiresAt },
        });
        continue;
      }
      run.event('approval_expired', { tool: TOOL, message: `no decision within ${this.rules.timeout}` });
      this.rejection = { outcome: 'rejected', approver: 'policy', reason: `approval expired after ${this.rules.timeout}`, at: run.now() };
      break;
    }

    const pending = this.pending!;
    const decision: Decision = this.rejection ?? {
      outcome: 'approved',
      approver: pending.approvals[pending.approvals.length - 1].approver,
      comment: pending.approvals[pending.approvals.length - 1].comment,
      at: run.now(),
      approvals: pending.approvals,
    };
    return { decision, draft: this.draft! };
  }

  private decided(): boolean {
    const pending = this.pending;
    return this.rejection !== null || (!!pending && !this.reviewingEdit && pending.approvals.length >= pending.minApprovals);
  }

  private notPending(): string | null {
    const { status } = this.setup.run.state;
    if (status !== 'waiting_approval' || !this.pending || this.decided()) return `no decision is pending (status: ${status})`;
    if (this.expiresAtMs !== null && Date.now() >= this.expiresAtMs) return `the approval expired at ${this.pending.expiresAt}`;
    if (this.reviewingEdit) return 'an edited report is being reviewed; try again in a moment';
    return null;
  }

  private approveRefusal(payload: ApprovePayload, viaUpdate: boolean): string | null {
    const blocked = this.notPending();
    if (blocked) return blocked;
    const pending = this.pending!;
    if (payload.digest && payload.digest !== pending.digest)
      return `digest ${payload.digest.slice(0, 12)}… does not match the pending draft`;
    if (payload.edit !== undefined && !viaUpdate) return 'an edited report needs the approve update (harness approve --edit)';
    const approver = payload.approver ?? 'anonymous';
    return approvalRefusal(this.setup.policy, TOOL, this.approvalContext(), approver);
  }

  private approvalContext() {
    return {
      startedBy: this.setup.startedBy,
      approvedBy: this.pending!.approvals.map((a) => a.approver),
      escalated: this.pending!.escalated,
    };
  }

  private refuse(signal: string, message: string): void {
    this.setup.run.event('approval_refused', { message, data: { signal } });
  }

  private recordApproval(payload: ApprovePayload, edited = false): UpdateOutcome {
    const { run } = this.setup;
    const pending = this.pending!;
    const approval: Approval = {
      approver: payload.approver ?? 'anonymous',
      comment: payload.comment,
      at: run.now(),
      ...(edited ? { edited } : {}),
    };
    pending.approvals.push(approval);
    pending.stillNeeded = Math.max(0, pending.minApprovals - pending.approvals.length);
    run.event('approval_recorded', {
      tool: TOOL,
      data: { approver: approval.approver, stillNeeded: pending.stillNeeded, digest: pending.digest },
    });
    const message = pending.stillNeeded ? `approval recorded; ${pending.stillNeeded} more needed` : 'approved; finalizing';
    return { status: run.state.status, message, stillNeeded: pending.stillNeeded, digest: pending.digest };
  }

  private recordRejection(payload: RejectPayload): UpdateOutcome {
    this.rejection = { outcome: 'rejected', approver: payload.approver ?? 'anonymous', reason: payload.reason, at: this.setup.run.now() };
    return { status: this.setup.run.state.status, message: 'rejected; nothing will be written' };
  }

  /** Reviews the edited report again; on success it replaces the draft and this approval starts a new count. */
  private async approveEdited(payload: ApprovePayload): Promise<UpdateOutcome> {
    const { run, topic } = this.setup;
    const markdown = payload.edit!;
    this.reviewingEdit = true;
    try {
      const review = await callTool(run, 'review_draft', { topic, markdown }, { ...this.setup.callOptions, onFailure: 'throw' });
      // The re-review's tokens go into the run's totals; the budget pause applies to the run's own steps.
      if (review.usage !== undefined) run.recordUsage('review_draft', review.usage);
      if (!review.passed || !review.sha256) {
        const findings = review.findings.join('; ');
        this.refuse('approve', `edited report failed review: ${findings}`);
        throw ApplicationFailure.nonRetryable(`edited report failed review: ${findings}`, 'EditRejected');
      }
      const pending = this.pending!;
      const previous = this.draft!;
      const summary = diffSummary(previous.markdown, markdown);
      this.draft = { markdown, digest: review.sha256 };
      pending.digest = review.sha256;
      pending.preview = previewOf(markdown, this.setup.previewLines);
      pending.review = { passed: review.passed, findings: review.findings };
      pending.approvals = [];
      run.state.artifacts.draft = { sha256: review.sha256, lines: pending.preview.lineCount, chars: pending.preview.charCount };
      run.event('draft_edited', {
        tool: TOOL,
        data: { approver: payload.approver ?? 'anonymous', previousDigest: previous.digest, digest: review.sha256, ...summary },
      });
      return this.recordApproval(payload, true);
    } catch (err) {
      if (err instanceof ToolFailedError)
        throw ApplicationFailure.nonRetryable(`edited report could not be reviewed: ${err.message}`, 'EditRejected');
      throw err;
    } finally {
      this.reviewingEdit = false;
    }
  }
}

function parsePayload<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  raw: unknown,
): T | string {
  const parsed = schema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : `invalid payload: ${describeZodError(parsed.error)}`;
}
