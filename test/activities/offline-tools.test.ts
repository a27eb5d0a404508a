/** The offline tools: search ranking, fact extraction, draft shape and review. */
import { createActivities } from '../../src/activities';
import { offlineProvider } from '../../src/activities/model/offline-provider';

const tools = createActivities({ outputRoot: '/nonexistent', model: offlineProvider });
const doc = (title: string, content: string) => ({ title, content });

test('search ranks by topic-word overlap, drops non-matches and keeps the top 5', async () => {
  const sources = [
    doc('Gardening', 'Tomatoes like sun.'),
    doc('Half', 'Temporal is durable.'),
    doc('Full', 'Durable workflows on Temporal with retries.'),
    ...Array.from({ length: 6 }, (_, i) => doc(`Retries ${i}`, 'Retries again.')),
  ];
  const { matches } = await tools.search_sources({ topic: 'durable Temporal retries', sources });
  expect(matches).toHaveLength(5);
  expect(matches[0]).toMatchObject({ title: 'Full', score: 1 });
  expect(matches[1]).toMatchObject({ title: 'Half', score: 0.667 });
  expect(matches.map((m) => m.title)).not.toContain('Gardening');
});

test('extract takes the leading sentences of each match, tagged, at most 10', async () => {
  const matches = Array.from({ length: 5 }, (_, i) => ({ title: `S${i}`, content: 'One. Two! Three? Four.', score: 1 }));
  const { facts } = await tools.extract_facts({ matches });
  expect(facts).toHaveLength(10);
  expect(facts[0]).toEqual({ source: 'S0', text: 'One.' });
  expect(facts[1]).toEqual({ source: 'S0', text: 'Two!' });
});

test('the offline draft passes the offline review; a draft without findings fails it', async () => {
  const facts = [{ source: 'S', text: 'A fact.' }];
  const draft = await tools.draft_report({ topic: 'some topic', plan: ['p'], facts });
  expect(draft.markdown.split('\n')[0]).toBe('# Report: some topic');
  expect(draft.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect((await tools.review_draft({ topic: 'some topic', markdown: draft.markdown })).passed).toBe(true);

  const empty = await tools.draft_report({ topic: 'some topic', plan: ['p'], facts: [] });
  const review = await tools.review_draft({ topic: 'some topic', markdown: empty.markdown });
  expect(review.passed).toBe(false);
  expect(review.findings.join()).toMatch(/no findings/);
  const wrongTitle = await tools.review_draft({ topic: 'other topic', markdown: draft.markdown });
  expect(wrongTitle.findings.join()).toMatch(/first line must be/);
});
