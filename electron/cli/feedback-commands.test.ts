import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loupe } from './run-cli';

let dir: string;
let w: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-fb-'));
  w = path.join(dir, 'demo.sqlite');
  expect(loupe('demo', '--workspace', w).code).toBe(0);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loupe feedback and loupe tickets rate', () => {
  it('feedback --search --json prints the total and the rows with the documented fields', () => {
    const r = loupe('feedback', '--workspace', w, '--search', 'slow in the afternoon', '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as { total: number; rows: Array<Record<string, unknown>> };
    expect(o.total).toBe(13);
    expect(o.rows).toHaveLength(13);
    expect(Object.keys(o.rows[0]!)).toEqual(['id', 'kind', 'value', 'label', 'comment', 'ts', 'request_id', 'request_found', 'source', 'automated']);
    expect(o.rows.every((x) => x.request_found === (x.request_id !== null))).toBe(true);
    expect(o.rows.every((x) => String(x.comment).toLowerCase().includes('slow in the afternoon'))).toBe(true);
    const nps = JSON.parse(loupe('feedback', '--workspace', w, '--kind', 'nps', '--week', '2026-W46', '--limit', '5', '--json').stdout) as { total: number; rows: Array<{ kind: string; label: string; ts: string }> };
    expect(nps.total).toBe(126);
    expect(nps.rows).toHaveLength(5);
    expect(nps.rows[0]!.label).toMatch(/^NPS \d+ \((promoter|passive|detractor)\)$/);
    expect(nps.rows.every((x) => x.kind === 'nps' && x.ts >= '2026-11-09' && x.ts < '2026-11-16T')).toBe(true);
  }, 60_000);

  it('tickets rate --by model_version --json prints per-1,000 rates with intervals', () => {
    const r = loupe('tickets', 'rate', '--workspace', w, '--by', 'model_version', '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as { rows: Array<{ group: string; tickets: number; requests: number; per_1000: number; low: number; high: number }> };
    expect(o.rows.map((x) => x.group)).toEqual(['2024-08-06', '2026-07-18', '2026-10-01']);
    for (const x of o.rows) {
      expect(Object.keys(x)).toEqual(['group', 'tickets', 'requests', 'per_1000', 'low', 'high']);
      expect(x.per_1000).toBeCloseTo((1000 * x.tickets) / x.requests, 12);
      expect(x.low).toBeLessThan(x.per_1000);
      expect(x.high).toBeGreaterThan(x.per_1000);
    }
    expect(r.stderr).toMatch(/27 ticket\(s\) left out/);
    // The table says it too, under the rows.
    const text = loupe('tickets', 'rate', '--workspace', w, '--by', 'model_version').stdout.trimEnd().split('\n');
    expect(text[text.length - 1]).toMatch(/^Left out of every row: 27 /);
  }, 60_000);

  it('says when a feedback row names a request that is not in the workspace (request_found false)', () => {
    const f = path.join(dir, 'orphan.jsonl');
    fs.writeFileSync(f, `${JSON.stringify({ feedback_id: 'orphan-1', request_id: 'req-never-imported', timestamp: '2026-12-01T10:00:00Z', type: 'thumb', value: 'down', comment: 'zqxorphan answer' })}\n`);
    const imp = loupe('import', '--workspace', w, f);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('1 feedback row names a request that is not in this workspace (e.g. req-never-imported)');
    const o = JSON.parse(loupe('feedback', '--workspace', w, '--search', 'zqxorphan', '--json').stdout) as { rows: Array<{ request_id: string; request_found: boolean }> };
    expect(o.rows).toEqual([expect.objectContaining({ request_id: 'req-never-imported', request_found: false })]);
    expect(loupe('feedback', '--workspace', w, '--search', 'zqxorphan').stdout).toContain('request req-never-imported (not in this workspace)');
  }, 60_000);

  it('exits 2 on bad usage and 1 on a missing workspace', () => {
    expect(loupe('feedback', '--workspace', w, '--week', '2026-47').code).toBe(2);
    expect(loupe('feedback', '--workspace', w, '--kind', 'stars').code).toBe(2);
    expect(loupe('feedback', '--workspace', w, '--limit', '0').code).toBe(2);
    expect(loupe('tickets', 'rate', '--workspace', w, '--by', 'colour').code).toBe(2);
    expect(loupe('tickets', 'rate', '--workspace', w).code).toBe(2);
    expect(loupe('feedback', '--workspace', path.join(dir, 'missing.sqlite')).code).toBe(1);
  }, 60_000);
});
