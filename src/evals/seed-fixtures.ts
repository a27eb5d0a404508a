/**
 * The seed harness's eval fixtures (a JSON list of cases: `topic`, `source_file`, `auto_approve`,
 * `expected_status`, `expected_current_step`, `required_events`, `min_trace_events`,
 * `expect_final_report`) as a suite of ours, so `harness evals --fixtures basic.json` runs them as
 * they are. Where the seed names a thing differently, the translation is said in a note; a key this
 * harness does not know is named in a note too and left out, as the seed itself ignores it.
 */
const SEED_KEYS = [
  'name',
  'topic',
  'source_file',
  'auto_approve',
  'expected_status',
  'expected_current_step',
  'required_events',
  'min_trace_events',
  'expect_final_report',
] as const;

/** The seed's step names where ours differ: its gate waits "at finalize_report", ours at the approval step. */
const SEED_STEPS: Record<string, string | null> = { done: null, search_mock: 'search_sources' };

/** The seed resumes a run after approving it; here the approval itself continues the run. */
const SEED_EVENTS: Record<string, string> = { run_resumed: 'approval_granted' };

type SeedCase = Record<string, unknown>;

/** The suite a seed fixtures list stands for; `notes` receives each translation and each key left out. */
export function fromSeedFixtures(cases: unknown[], notes: string[]): unknown {
  return { version: 1, fixtures: cases.map((c, i) => (isObject(c) ? fromSeedCase(c, i, notes) : c)) };
}

function fromSeedCase(seed: SeedCase, index: number, notes: string[]): unknown {
  const label = typeof seed.name === 'string' ? seed.name : `case ${index + 1}`;
  const note = (text: string) => notes.push(`${label}: ${text}`);
  for (const key of Object.keys(seed))
    if (!(SEED_KEYS as readonly string[]).includes(key)) note(`${key} is not a seed fixture key this harness maps; ignored`);
  const name = slug(String(seed.name ?? seed.topic ?? `case-${index + 1}`));
  if (seed.name !== undefined && name !== seed.name) note(`named "${name}" here (lower-case letters, digits and "-")`);
  const waiting = seed.expected_status === 'waiting_approval';
  const expect: Record<string, unknown> = {};
  if (seed.expected_status !== undefined) expect.status = seed.expected_status;
  if (seed.expected_current_step !== undefined) {
    const step = seed.expected_current_step;
    const ours =
      typeof step === 'string' ? (waiting && step === 'finalize_report' ? 'approval' : step in SEED_STEPS ? SEED_STEPS[step] : step) : step;
    if (ours !== step) note(`expected_current_step ${JSON.stringify(step)} is ${JSON.stringify(ours)} here`);
    expect.currentStep = ours;
  }
  const events: Record<string, unknown> = {};
  if (seed.required_events !== undefined) {
    events.include = Array.isArray(seed.required_events)
      ? seed.required_events.map((event) => {
          const ours = typeof event === 'string' ? SEED_EVENTS[event] : undefined;
          if (!ours) return event;
          note(`required event ${event} is ${ours} here: an approval continues the run, with no resume step`);
          return ours;
        })
      : seed.required_events;
  }
  if (seed.min_trace_events !== undefined) events.atLeast = seed.min_trace_events;
  if (Object.keys(events).length) expect.events = events;
  if (seed.expect_final_report !== undefined) expect.report = { exists: seed.expect_final_report };
  return {
    name,
    description: 'a seed harness fixture',
    topic: seed.topic,
    ...(seed.source_file !== undefined ? { sources: seed.source_file } : {}),
    operator: seed.auto_approve === true ? [{ approve: {} }] : [],
    expect,
  };
}

const isObject = (value: unknown): value is SeedCase => typeof value === 'object' && value !== null && !Array.isArray(value);

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'case';
