/**
 * The approval gate before any tool whose policy says `approval: required`: who may approve
 * (approvers and roles, quorum, self-approval), until when (expiry, escalation), and
 * edit-on-approve. One gate is open at a time (calls that need one while it is open wait their
 * turn); the approve and reject decisions act on it.
 */
import { ApplicationFailure, condition, upsertMemo, workflowInfo } from '@temporalio/workflow';
import { toolCallDigest } from '../../shared/digest';
import { DESCRIPTIONS, UpdateOutcome } from '../../shared/messages';
import { approvalRefusal, eligibleApprovers, parseDuration, Policy, rejectionRefusal, toolPolicy } from '../../shared/policy';
import { editDigest, noteDigest, verifySignature } from '../../shared/signed-decision';
import { Approval, ApprovePayload, Decision, DraftPreview, GateRecord, PendingAction, previewOf, RejectPayload } from '../../shared/run';
import type { PendingCall } from '../../shared/run-snapshot';
import { AnyTool, describeZodError, EditedCall, EditRefused, GateEdit, InputOf } from '../../shared/tool-contract';
import type { TokenUsage } from '../../shared/tools';
import { callTool, CallOptions, ToolFailedError } from './call-tool';
import type { DecisionDeclaration } from './decisions';
import type { RunRecorder } from './run-recorder';
import type { WorkflowShape } from './workflow-shape';

/** What a gate asks approval for. The tool path builds it; finalize_report's carries the report. */
export interface GateRequest<T extends AnyTool = AnyTool> {
  tool: T;
  args: InputOf<T>;
  digest: string;
  preview: DraftPreview;
  /** Where a write goes, when the tool writes. */
  proposedPath?: string;
  review?: { passed: boolean; findings: string[] };
  /** Told the arguments an approver's edit put in place (the run keeps its own view of them, a draft say). */
  onEdited?: (args: InputOf<T>) => void;
  /** Why the policy would refuse the call with these arguments instead (an edit is judged as the call was), or null. */
  judge?: (args: InputOf<T>) => string | null;
}

export interface GateSetup {
  run: RunRecorder;
  startedBy: string;
  topic: string;
  previewLines: number;
  callOptions: CallOptions;
  /** Runs from before the gate memo (`gate-memo`) publish nothing in it. */
  shape: WorkflowShape;
}

/** Thrown out of request() when the gate is rejected or expires: the run ends `rejected`. */
export class GateRejected extends Error {
  constructor(readonly decision: Decision) {
    super(decision.reason ?? 'rejected');
  }
}

function pendingCallOf(request: GateRequest, digest: string): PendingCall {
  return { tool: request.tool.name, digest, args: request.args as Record<string, unknown> };
}

/** Lets a client decide while no worker runs: the gate's digest lives in the memo, which the server serves. */
export const GATE_MEMO_KEY = 'gate';

interface OpenGate {
  request: GateRequest;
  record: GateRecord;
  timeoutMs: number | null;
  expiresAtMs: number | null;
  rejection: Decision | null;
  reviewingEdit: boolean;
  publishMemo: boolean;
}

export class ApprovalGates {
  private policy: Policy;
  private policyDigest: string | null = null;
  private open: OpenGate | null = null;
  /** Decisions whose signature verified, by payload, for apply() to record with. */
  private readonly signedWith = new WeakMap<object, string>();
  /** Statements already counted: a signature is good for one decision, once. */
  private readonly usedStatements = new Set<string>();

  constructor(
    private readonly setup: GateSetup,
    builtin: Policy,
  ) {
    this.policy = builtin;
  }

  /** The run's policy, once resolved (handlers exist before that). */
  usePolicy(policy: Policy, digest: string | null): void {
    this.policy = policy;
    this.policyDigest = digest;
  }

  /** sha256 of what a non-report tool call will run: tool, validated arguments, policy digest. */
  digestOf(tool: string, args: unknown): string {
    return toolCallDigest(tool, args, this.policyDigest);
  }

  readonly approve: DecisionDeclaration<ApprovePayload> = {
    name: 'approve',
    description: DESCRIPTIONS.approve,
    payload: ApprovePayload,
    refusedEvent: 'approval_refused',
    refusal: (payload, door) => this.approveRefusal(payload, door === 'update'),
    recordedRefusal: (payload) => this.signatureRefusal('approve', payload, payload.comment, payload.edit),
    apply: (payload) => (payload.edit !== undefined ? this.approveEdited(payload) : this.recordApproval(payload)),
  };

  readonly reject: DecisionDeclaration<RejectPayload> = {
    name: 'reject',
    description: DESCRIPTIONS.reject,
    payload: RejectPayload,
    refusedEvent: 'approval_refused',
    refusal: (payload) =>
      this.notPending() ?? rejectionRefusal(this.policy, this.open!.request.tool, this.pending!.escalated, payload.approver),
    recordedRefusal: (payload) => this.signatureRefusal('reject', payload, payload.reason),
    apply: (payload) => {
      const signedWith = this.signedWith.get(payload);
      this.open!.rejection = {
        outcome: 'rejected',
        approver: payload.approver,
        reason: payload.reason,
        at: this.setup.run.now(),
        ...(signedWith ? { signedWith } : {}),
      };
      return { status: this.setup.run.state.status, message: 'rejected; nothing will be written' };
    },
  };

  /** Opens a gate and waits for its decision; returns the arguments approved (edited or not), or throws GateRejected. */
  async request<T extends AnyTool>(request: GateRequest<T>): Promise<InputOf<T>> {
    // Calls of one model turn run side by side: each gets its own gate, in turn, in the order they asked.
    while (this.open) await condition(() => this.open === null);
    const { run } = this.setup;
    const { tool } = request;
    const rules = toolPolicy(this.policy, tool);
    const timeoutMs = rules.timeout ? parseDuration(rules.timeout) : null;
    const gates = (run.state.gates ??= []);
    const record: GateRecord = {
      gate: gates.length + 1,
      tool: tool.name,
      digest: request.digest,
      openedAt: run.now(),
      outcome: 'pending',
      approvals: [],
    };
    gates.push(record);
    // Date.now() is the workflow clock (the task's time in history), so expiry replays identically.
    const gate: OpenGate = {
      request: request as GateRequest,
      record,
      timeoutMs,
      expiresAtMs: timeoutMs === null ? null : Date.now() + timeoutMs,
      rejection: null,
      reviewingEdit: false,
      publishMemo: false,
    };
    this.open = gate;
    run.state.currentStep = 'approval';
    run.state.pendingAction = {
      tool: tool.name,
      gate: record.gate,
      reason: this.reasonFor(tool),
      ...(request.proposedPath !== undefined ? { proposedPath: request.proposedPath } : {}),
      preview: request.preview,
      ...(request.review ? { review: request.review } : {}),
      digest: request.digest,
      requestedAt: record.openedAt,
      approvals: [],
      minApprovals: rules.minApprovals,
      stillNeeded: rules.minApprovals,
      eligibleApprovers: eligibleApprovers(this.policy, tool, false),
      allowSelfApproval: rules.allowSelfApproval,
      expiresAt: gate.expiresAtMs === null ? null : new Date(gate.expiresAtMs).toISOString(),
      escalated: false,
      ...(rules.requireSignedApprovals ? { signatureRequired: true as const } : {}),
    };
    run.setPendingCall(pendingCallOf(gate.request, request.digest));
    run.setStatus('waiting_approval');
    gate.publishMemo = this.setup.shape.has('gate-memo');
    this.publish();
    run.event('approval_required', {
      tool: tool.name,
      data: { gate: record.gate, digest: request.digest, minApprovals: rules.minApprovals },
    });

    await this.waitForDecision(gate);

    const pending = this.pending!;
    const last = pending.approvals[pending.approvals.length - 1];
    const decision: Decision = gate.rejection ?? {
      outcome: 'approved',
      approver: last.approver,
      comment: last.comment,
      at: run.now(),
      approvals: pending.approvals,
    };
    Object.assign(record, {
      outcome: decision.outcome,
      decidedAt: decision.at,
      decidedBy: decision.approver,
      digest: pending.digest,
      approvals: pending.approvals,
      ...(decision.reason ? { reason: decision.reason } : {}),
    });
    run.state.decision = decision;
    run.state.pendingAction = null;
    run.setPendingCall(null);
    this.open = null;
    if (gate.publishMemo) upsertMemo({ [GATE_MEMO_KEY]: null });
    if (decision.outcome === 'rejected') {
      run.event('approval_rejected', {
        tool: tool.name,
        message: decision.reason,
        data: { approver: decision.approver, ...(decision.signedWith ? { signedWith: decision.signedWith } : {}) },
      });
      throw new GateRejected(decision);
    }
    run.event('approval_granted', {
      tool: tool.name,
      data: { approver: decision.approver, comment: decision.comment, approvals: decision.approvals, digest: pending.digest },
    });
    run.setStatus('running');
    return gate.request.args as InputOf<T>;
  }

  private async waitForDecision(gate: OpenGate): Promise<void> {
    const { run } = this.setup;
    const { tool } = gate.request;
    const rules = toolPolicy(this.policy, tool);
    for (;;) {
      if (gate.expiresAtMs === null) return void (await condition(() => this.decided(gate)));
      const expiry = { summary: `approval expiry: ${tool.name} gate ${gate.record.gate}${this.pending?.escalated ? ' (escalated)' : ''}` };
      if (await condition(() => this.decided(gate), Math.max(1, gate.expiresAtMs - Date.now()), expiry)) return;
      const pending = this.pending!;
      if (rules.onTimeout === 'escalate' && !pending.escalated) {
        pending.escalated = true;
        pending.eligibleApprovers = eligibleApprovers(this.policy, tool, true);
        gate.expiresAtMs = Date.now() + gate.timeoutMs!;
        pending.expiresAt = new Date(gate.expiresAtMs).toISOString();
        this.publish();
        run.event('approval_escalated', {
          tool: tool.name,
          data: { eligibleApprovers: pending.eligibleApprovers, expiresAt: pending.expiresAt },
        });
        continue;
      }
      run.event('approval_expired', { tool: tool.name, message: `no decision within ${rules.timeout}` });
      gate.rejection = { outcome: 'rejected', approver: 'policy', reason: `approval expired after ${rules.timeout}`, at: run.now() };
      return;
    }
  }

  private reasonFor(tool: AnyTool): string {
    const { category, risky } = tool;
    const article = /^[aeiou]/.test(category) ? 'an' : 'a';
    const what = `${tool.name} ${tool.gate?.does ?? `is ${article} ${category} tool`}`;
    return `${what} (${risky ? 'risky, ' : ''}${category}); policy "${this.policy.name}" requires approval.`;
  }

  /** Keeps the memo in step with what a decision needs, so a client can decide while no worker runs. */
  private publish(): void {
    const pending = this.pending;
    if (!this.open?.publishMemo || !pending) return;
    upsertMemo({
      [GATE_MEMO_KEY]: {
        tool: pending.tool,
        gate: pending.gate,
        digest: pending.digest,
        minApprovals: pending.minApprovals,
        eligibleApprovers: pending.eligibleApprovers,
        expiresAt: pending.expiresAt,
        requestedAt: pending.requestedAt,
      },
    });
  }

  private get pending(): PendingAction | null {
    return this.setup.run.state.pendingAction;
  }

  private decided(gate: OpenGate): boolean {
    const pending = this.pending;
    return gate.rejection !== null || (!!pending && !gate.reviewingEdit && pending.approvals.length >= pending.minApprovals);
  }

  private notPending(): string | null {
    const { status } = this.setup.run.state;
    const gate = this.open;
    if (status !== 'waiting_approval' || !gate || !this.pending || this.decided(gate)) return `no decision is pending (status: ${status})`;
    if (gate.expiresAtMs !== null && Date.now() >= gate.expiresAtMs) return `the approval expired at ${this.pending.expiresAt}`;
    if (gate.reviewingEdit) return 'an edited report is being reviewed; try again in a moment';
    return null;
  }

  private approveRefusal(payload: ApprovePayload, viaUpdate: boolean): string | null {
    const blocked = this.notPending();
    if (blocked) return blocked;
    const pending = this.pending!;
    if (payload.digest && payload.digest !== pending.digest) {
      return `digest ${payload.digest.slice(0, 12)}… does not match the pending ${this.open!.request.tool.gate?.subject ?? `${pending.tool} call`}`;
    }
    if (payload.edit !== undefined) {
      if (!viaUpdate) return 'an edit needs the approve update (harness approve --edit)';
      const editRefused = this.editRefusal(this.open!.request, payload.edit);
      if (editRefused) return editRefused;
    }
    const { approver } = payload;
    return approvalRefusal(
      this.policy,
      this.open!.request.tool,
      { startedBy: this.setup.startedBy, approvedBy: pending.approvals.map((a) => a.approver), escalated: pending.escalated },
      approver,
    );
  }

  /**
   * Why a decision's signature does not let it count, or null: required and missing, not by a key
   * the policy lists for the approver, made for another decision, or already used. A verified
   * signature is remembered for apply() to record, whether or not the policy requires one.
   */
  private signatureRefusal(
    decision: 'approve' | 'reject',
    payload: ApprovePayload | RejectPayload,
    note: string | undefined,
    edit?: unknown,
  ): string | null {
    const gate = this.open;
    const pending = this.pending;
    if (!gate || !pending) return this.notPending();
    const { signature } = payload;
    if (!signature) {
      if (!pending.signatureRequired) return null;
      return `policy "${this.policy.name}" counts only signed decisions at the ${pending.tool} gate: harness ${decision} --key FILE`;
    }
    const { workflowId, runId } = workflowInfo();
    // The approver's name comes from the payload: looked up as data (`constructor` is a name, not Object's).
    const keys = Object.hasOwn(this.policy.publicKeys, payload.approver) ? this.policy.publicKeys[payload.approver] : [];
    const verdict = verifySignature(signature, keys, {
      workflowId,
      runId,
      gate: gate.record.gate,
      tool: pending.tool,
      digest: pending.digest,
      decision,
      approver: payload.approver,
      edit: editDigest(edit),
      note: noteDigest(note),
      nowMs: Date.now(),
      openedAtMs: Date.parse(gate.record.openedAt),
    });
    if (!verdict.verified) return `signature refused: ${verdict.reason}`;
    if (this.usedStatements.has(verdict.statementDigest)) return 'signature refused: it was already used for a decision';
    this.usedStatements.add(verdict.statementDigest);
    this.signedWith.set(payload, verdict.key);
    return null;
  }

  /**
   * An edit in the tool's own form (its gate's edit), else arguments that fit the tool's input
   * contract and that the policy would let through as it did the call (write roots, argument
   * rules, requires): an approver cannot edit a call into one the policy refuses.
   */
  private editRefusal({ tool, judge }: GateRequest, edit: NonNullable<ApprovePayload['edit']>): string | null {
    const custom = tool.gate?.edit;
    if (custom)
      return typeof edit === 'string' && custom.form.safeParse(edit).success
        ? null
        : `edit: at the ${tool.name} gate, ${custom.formDescription}`;
    if (typeof edit === 'string') return `edit: at the ${tool.name} gate, the tool's arguments as a JSON object`;
    const parsed = tool.input.safeParse(edit);
    if (!parsed.success) return `edited arguments do not fit ${tool.name}'s contract: ${describeZodError(parsed.error)}`;
    const refused = judge?.(parsed.data);
    return refused ? `edited arguments refused: ${refused}` : null;
  }

  private recordApproval(payload: ApprovePayload, edited = false): UpdateOutcome {
    const { run } = this.setup;
    const pending = this.pending!;
    const signedWith = this.signedWith.get(payload);
    const approval: Approval = {
      approver: payload.approver,
      comment: payload.comment,
      at: run.now(),
      ...(edited ? { edited } : {}),
      ...(signedWith ? { signedWith } : {}),
    };
    pending.approvals.push(approval);
    pending.stillNeeded = Math.max(0, pending.minApprovals - pending.approvals.length);
    run.event('approval_recorded', {
      tool: pending.tool,
      data: {
        approver: approval.approver,
        stillNeeded: pending.stillNeeded,
        digest: pending.digest,
        ...(signedWith ? { signedWith } : {}),
      },
    });
    const message = pending.stillNeeded
      ? `approval recorded; ${pending.stillNeeded} more needed`
      : `approved; ${this.open!.request.tool.gate?.onApproved ?? `running ${pending.tool}`}`;
    return { status: run.state.status, message, stillNeeded: pending.stillNeeded, digest: pending.digest };
  }

  /** Replaces what the gate approves with the edit; approvals collected for the old digest start over with this one. */
  private async approveEdited(payload: ApprovePayload): Promise<UpdateOutcome> {
    const gate = this.open!;
    const pending = this.pending!;
    const custom = gate.request.tool.gate?.edit;
    const edited =
      custom && typeof payload.edit === 'string'
        ? await this.appliedEdit(gate, custom, payload.edit)
        : this.editedArguments(gate, payload.edit);
    gate.request = { ...gate.request, args: edited.args };
    pending.digest = edited.digest;
    pending.preview = previewOf(edited.previewText, this.setup.previewLines);
    if (edited.review) pending.review = edited.review;
    this.setup.run.setPendingCall(pendingCallOf(gate.request, edited.digest));
    gate.request.onEdited?.(gate.request.args);
    this.setup.run.event(edited.event.type, { tool: pending.tool, data: { approver: payload.approver, ...edited.event.data } });
    pending.approvals = [];
    gate.record.digest = pending.digest;
    this.publish();
    return this.recordApproval(payload, true);
  }

  private editedArguments(gate: OpenGate, edit: ApprovePayload['edit']): EditedCall<unknown> {
    const { tool } = gate.request;
    const args = tool.input.parse(edit);
    const digest = this.digestOf(tool.name, args);
    return {
      args,
      digest,
      previewText: JSON.stringify(args, null, 2),
      event: { type: 'arguments_edited', data: { previousDigest: this.pending!.digest, digest } },
    };
  }

  /**
   * The tool's own edit, applied at the gate (a report is reviewed again, say). Its tool calls
   * bypass the tool path (a gate on them must not open inside this gate), and their tokens count
   * without the budget pause, which applies to the run's own steps.
   */
  private async appliedEdit(gate: OpenGate, edit: GateEdit<unknown>, text: string): Promise<EditedCall<unknown>> {
    const { run, topic } = this.setup;
    const { tool } = gate.request;
    gate.reviewingEdit = true;
    try {
      return await edit.apply(text, gate.request.args, {
        topic,
        callTool: async (called, input) => {
          const output = await callTool(run, called, input, this.setup.callOptions);
          if (output && typeof output === 'object' && 'usage' in output && output.usage !== undefined)
            run.recordUsage(called.name, output.usage as TokenUsage | null);
          return output;
        },
      });
    } catch (err) {
      if (err instanceof EditRefused) {
        run.event('approval_refused', { message: err.message, data: { signal: 'approve' } });
        throw ApplicationFailure.nonRetryable(err.message, 'EditRejected');
      }
      if (err instanceof ToolFailedError)
        throw ApplicationFailure.nonRetryable(`the edit at the ${tool.name} gate could not be checked: ${err.message}`, 'EditRejected');
      throw err;
    } finally {
      gate.reviewingEdit = false;
      // The edit's tool calls ran as steps; the run is back at its gate.
      run.state.currentStep = 'approval';
    }
  }
}
