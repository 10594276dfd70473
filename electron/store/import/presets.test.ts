/**
 * Every real file in ../shared/data/real mapped through choosePreset + buildMapper over all its records, with the
 * counts computed independently from the raw files where the file does not state them.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { DEFAULT_PRICES } from '../../../shared/prices';
import type { RejectedRow } from '../../../shared/types';
import { buildMapper, choosePreset } from './mapping';
import { detectSource, readRecords } from './read';

const repoRoot = path.resolve(__dirname, '../../..');
const realDir = path.resolve(repoRoot, '../shared/data/real');
const haveReal = fs.existsSync(realDir);

type Row = Record<string, string | number | null>;

async function mapFile(name: string) {
  const file = path.join(realDir, name);
  const src = await detectSource(file, {});
  const records: Array<{ line: number; record: Record<string, unknown> }> = [];
  const readRejects: RejectedRow[] = [];
  for await (const b of readRecords(file, src)) {
    records.push(...b.records);
    readRejects.push(...b.rejects);
  }
  const sample = records.slice(0, 200).map((r) => r.record);
  const { chosen } = choosePreset(sample, {});
  const mapper = buildMapper(chosen, sample, {}, { fileName: name, timeZone: 'UTC', prices: DEFAULT_PRICES.models });
  const out: Record<'requests' | 'feedback' | 'tickets', Row[]> = { requests: [], feedback: [], tickets: [] };
  const rejects: RejectedRow[] = [];
  for (const r of records) {
    const m = mapper.map(r);
    for (const row of m.rows) out[row.kind].push(row.row);
    rejects.push(...m.rejects);
  }
  return { chosen, mapper, records, readRejects, rejects, ...out };
}

function lines(name: string): Array<Record<string, unknown>> {
  let text = fs.readFileSync(path.join(realDir, name));
  if (name.endsWith('.gz')) text = zlib.gunzipSync(text);
  return text.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.skipIf(!haveReal)('real files (../shared/data/real)', () => {
  test('tickets-customer-support.csv: 8,469 tickets, 1,365 resolved before first response', async () => {
    const r = await mapFile('tickets-customer-support.csv');
    expect(r.chosen).toBe('helpdesk-tickets');
    expect(r.tickets).toHaveLength(8469);
    expect(r.rejects).toEqual([]);
    expect(new Set(r.tickets.map((t) => t.id)).size).toBe(8469);
    expect(r.tickets.filter((t) => t.csat !== null)).toHaveLength(2769);
    expect(r.tickets.filter((t) => t.resolved_ts !== null)).toHaveLength(2769);
    expect(r.tickets.filter((t) => t.first_response_ts !== null)).toHaveLength(8469 - 2819);
    expect(r.mapper.notes).toContain('data quality: 1,365 ticket(s) resolved before their first response (first on line 19); kept as written');
    const t1 = r.tickets[0]!;
    expect([t1.id, t1.requester_email, t1.first_response_ts, t1.status, t1.priority, t1.channel]).toEqual(['1', 'carrollallison@example.com', Date.UTC(2023, 5, 1, 12, 15, 36), 'Pending Customer Response', 'Critical', 'Social media']);
    expect(JSON.parse(String(t1.extra))['Date of Purchase']).toBe('2021-03-22');
  });

  test('oasst-message-trees.jsonl: requests and thumbs match counts taken from the raw trees', async () => {
    // Independent count: every assistant reply to a prompter message, and its +1 / -1 emoji counts.
    let requests = 0;
    let up = 0;
    let down = 0;
    const walk = (m: Record<string, unknown>) => {
      for (const reply of (m.replies ?? []) as Array<Record<string, unknown>>) {
        if (m.role === 'prompter' && reply.role === 'assistant') {
          requests++;
          const e = (reply.emojis ?? {}) as Record<string, number>;
          up += e['+1'] ?? 0;
          down += e['-1'] ?? 0;
        }
        walk(reply);
      }
    };
    for (const t of lines('oasst-message-trees.jsonl')) walk(t);
    expect([requests, up, down]).toEqual([687, 854, 372]);

    const r = await mapFile('oasst-message-trees.jsonl');
    expect(r.chosen).toBe('oasst-trees');
    expect(r.rejects).toEqual([]);
    expect(r.requests).toHaveLength(requests);
    expect(new Set(r.requests.map((x) => x.id)).size).toBe(requests);
    expect(r.feedback.filter((f) => f.value === 1)).toHaveLength(up);
    expect(r.feedback.filter((f) => f.value === -1)).toHaveLength(down);
    expect(new Set(r.feedback.map((x) => x.id)).size).toBe(up + down);
    const ids = new Set(r.requests.map((x) => x.id));
    expect(r.feedback.every((f) => ids.has(f.request_id as string) && f.link_method === 'explicit' && f.kind === 'thumb')).toBe(true);
    // Thumbs-up rate = share of +1 rows.
    expect(r.feedback.filter((f) => f.value === 1).length / r.feedback.length).toBeCloseTo(854 / 1226, 12);
  });

  test('llmperf-bedrock-70b-requests.json: 150 requests, 49 errors, stable content ids', async () => {
    const r = await mapFile('llmperf-bedrock-70b-requests.json');
    expect(r.chosen).toBe('llmperf');
    expect(r.requests).toHaveLength(150);
    expect(r.rejects).toEqual([]);
    expect(r.requests.filter((x) => x.is_error === 1)).toHaveLength(49);
    expect(new Set(r.requests.map((x) => x.id)).size).toBe(150);
    const first = r.requests[0]!;
    expect(first.latency_ms).toBeCloseTo(5049.2379130009795, 9);
    expect(first.ttft_ms).toBeCloseTo(613.8388380004471, 9);
    expect([first.tokens_in, first.tokens_out, first.status, first.error]).toEqual([550, 102, 'error -100', 'Output too few tokens 102']);
    const again = await mapFile('llmperf-bedrock-70b-requests.json');
    expect(again.requests.map((x) => x.id)).toEqual(r.requests.map((x) => x.id));
  });

  test('mtbench-llama3-8b-answers.jsonl: 80 answers × 2 turns = 160 requests', async () => {
    const r = await mapFile('mtbench-llama3-8b-answers.jsonl');
    expect(r.chosen).toBe('mtbench-answers');
    expect(r.requests).toHaveLength(160);
    expect(new Set(r.requests.map((x) => x.id)).size).toBe(160);
    expect(r.requests[0]!.id).toBe('mtbench:Meta-Llama-3-8B-Instruct-Normal:81:1');
    expect(r.requests[1]!.id).toBe('mtbench:Meta-Llama-3-8B-Instruct-Normal:81:2');
  });

  test('mtbench-gpt4-judgments.jsonl: 330 rows, 4 scores of -1 stored as missing, 10 repeated keys', async () => {
    const r = await mapFile('mtbench-gpt4-judgments.jsonl');
    expect(r.chosen).toBe('mtbench-judgments');
    expect(r.feedback).toHaveLength(330);
    expect(r.rejects).toEqual([]);
    const missing = r.feedback.filter((f) => f.value === null);
    expect(missing).toHaveLength(4);
    expect(missing.every((f) => f.label === '-1' && f.comment === '$ERROR$')).toBe(true);
    expect(r.feedback.every((f) => f.kind === 'rating' && f.scale === 10 && f.source === 'judge')).toBe(true);
    // Repeated (judge, model, question, turn) keys share one id: the pipeline keeps the last occurrence.
    const byId = new Map<string, Row>();
    for (const f of r.feedback) byId.set(f.id as string, f);
    expect(byId.size).toBe(320);
    expect([...byId.values()].filter((f) => f.value === null)).toHaveLength(0);
    expect(r.feedback.some((f) => f.value === 8.5)).toBe(true);
    // Judgments of the answers file's model point at its request ids.
    const answers = await mapFile('mtbench-llama3-8b-answers.jsonl');
    const reqIds = new Set(answers.requests.map((x) => x.id));
    const normal = [...byId.values()].filter((f) => String(f.request_id).includes('Instruct-Normal'));
    expect(normal).toHaveLength(160);
    expect(normal.every((f) => reqIds.has(f.request_id as string))).toBe(true);
    expect(r.feedback[10]!.ts).toBe(Math.round(1718409153.795477 * 1000));
  });

  test('hh-rlhf-harmless-test.jsonl.gz: 2,312 pairs → 4,624 requests and 4,624 preferences', async () => {
    const r = await mapFile('hh-rlhf-harmless-test.jsonl.gz');
    expect(r.chosen).toBe('hh-rlhf');
    expect(r.rejects).toEqual([]);
    expect(r.requests).toHaveLength(2 * 2312);
    expect(new Set(r.requests.map((x) => x.session_id)).size).toBe(2312);
    expect(r.feedback.filter((f) => f.kind === 'preference' && f.value === 1)).toHaveLength(2312);
    expect(r.feedback.filter((f) => f.kind === 'preference' && f.value === -1)).toHaveLength(2312);
    // Independent count of dialogues whose last Assistant turn is empty (stored as a NULL output).
    let emptyLast = 0;
    for (const pair of lines('hh-rlhf-harmless-test.jsonl.gz')) {
      for (const side of ['chosen', 'rejected'] as const) {
        const parts = String(pair[side]).split('\n\nAssistant:');
        if (parts[parts.length - 1]!.split('\n\nHuman:')[0]!.trim() === '') emptyLast++;
      }
    }
    expect(emptyLast).toBe(4);
    expect(r.requests.filter((x) => x.output === null)).toHaveLength(emptyLast);
    expect(r.requests.every((x) => typeof x.input === 'string' && x.input.length > 0)).toBe(true);
  });

  test('dices-350-ratings.json: 350 requests and 350 majority thumbs (80 Yes, 270 No)', async () => {
    const r = await mapFile('dices-350-ratings.json');
    expect(r.chosen).toBe('dices');
    expect(r.rejects).toEqual([]);
    expect(r.requests).toHaveLength(350);
    expect(r.feedback).toHaveLength(350);
    expect(r.feedback.filter((f) => f.value === 1)).toHaveLength(80);
    expect(r.feedback.filter((f) => f.value === -1)).toHaveLength(270);
    const extra = JSON.parse(String(r.feedback[0]!.extra)) as { rater_labels: string[] };
    expect(extra.rater_labels).toHaveLength(123);
  });
});
