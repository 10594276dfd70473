import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../testing/temp';
import type { Workspace } from '../workspace';
import { createQueue } from './queues';
import { setReviewer, submitReview } from './reviews';
import { createTag } from './tags';
import { earlierEdgeCases, edgeCaseRepeats, normaliseInput } from './edge-case-repeat';
import { W47_START, WEEK_MS } from './test-fixtures';

const { newWorkspace } = useTempWorkspaces('loupe-ecr-');
const FAIL = { correct: 'fail', safe: 'pass' } as const;
const PASS = { correct: 'pass', safe: 'pass' } as const;
const W46 = W47_START - WEEK_MS;

function insert(ws: Workspace, rows: Array<{ id: string; ts: number; input: string; feature?: string }>): void {
  ws.db.tx(() => {
    for (const r of rows) ws.db.run('INSERT INTO requests (id, ts, feature, input, output, latency_ms, is_error, import_id) VALUES (?, ?, ?, ?, ?, 100, 0, 1)', [r.id, r.ts, r.feature ?? 'chat', r.input, `out ${r.id}`]);
  });
}

describe('normaliseInput', () => {
  it('case, Unicode form, digit runs, whitespace and surrounding punctuation do not matter; empty never matches', () => {
    expect(normaliseInput('  Where is invoice INV-2231?? ')).toBe(normaliseInput('where is   invoice inv-98\n'));
    expect(normaliseInput('Ｃａｆé')).toBe(normaliseInput('café'));
    expect(normaliseInput('Cafe\u0301')).toBe(normaliseInput('Café'));
    expect(normaliseInput('refund my order')).not.toBe(normaliseInput('refund my orders'));
    expect(normaliseInput(null)).toBe('');
    expect(normaliseInput('?!')).toBe('');
  });
});

describe('the edge_case_repeat signal', () => {
  it('puts this week\'s repeats of earlier tagged edge cases in their own stratum; untagged or later cases do not count', async () => {
    const ws = await newWorkspace();
    insert(ws, [
      { id: 'old-tagged', ts: W46 + 10, input: 'Why was I charged twice for order 1234?' },
      { id: 'old-untagged', ts: W46 + 20, input: 'How do I reset my password' },
      { id: 'old-skip', ts: W46 + 30, input: 'Export to CSV' },
    ]);
    setReviewer(ws, 'Ana');
    const tag = createTag(ws, { name: 'double charge' }, 1);
    const q46 = createQueue(ws, { week: '2026-W46', size: 3, seed: 1 }, 10);
    for (const it of q46.items) {
      submitReview(ws, { queue_id: q46.queue_id, position: it.position, verdicts: it.request_id === 'old-tagged' ? FAIL : PASS, tag_ids: it.request_id === 'old-tagged' ? [tag.id] : [] }, 's', 20);
    }
    insert(ws, [
      { id: 'rep-1', ts: W47_START + 1, input: 'why was I charged twice for order 98765' },
      { id: 'rep-2', ts: W47_START + 2, input: 'WHY WAS I CHARGED TWICE FOR ORDER 5?' },
      { id: 'other-1', ts: W47_START + 3, input: 'How do I reset my password' },
      ...Array.from({ length: 20 }, (_, i) => ({ id: `n${i}`, ts: W47_START + 10 + i, input: `new question ${'x'.repeat(i + 1)}` })),
    ]);
    expect([...earlierEdgeCases(ws.db, W47_START).values()].map((c) => [c.request_id, c.tags])).toEqual([['old-tagged', ['double charge']]]);
    expect(edgeCaseRepeats(ws.db, W47_START, { sql: 'ts >= ? AND ts < ?', params: [W47_START, W47_START + WEEK_MS] }).matches.map((m) => m.request_id)).toEqual(['rep-1', 'rep-2']);
    // Nothing is an "earlier" edge case for the week it was tagged in.
    expect(edgeCaseRepeats(ws.db, W46, { sql: 'ts >= ? AND ts < ?', params: [W46, W47_START] }).edge_cases).toBe(0);
    const q = createQueue(ws, { week: '2026-W47', size: 6, seed: 2, oversample: { edge_case_repeat: 0.5 } }, 30);
    const stratum = q.strata.find((s) => s.key === 'signal:edge_case_repeat')!;
    // rep-2 repeats rep-1's normalised text but not its exact text: both are in the frame, both in the stratum.
    expect(stratum).toMatchObject({ kind: 'signal', population: 2, sampled: 2 });
    expect(q.items.filter((i) => i.stratum === 'signal:edge_case_repeat').map((i) => i.request_id).sort()).toEqual(['rep-1', 'rep-2']);
    expect(q.items.find((i) => i.request_id === 'rep-1')!.reason).toBe('oversampled: repeats an earlier edge case');
  });
});
