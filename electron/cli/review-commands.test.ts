/**
 * The review CLI commands against the real store worker (dist/node/store-worker.js, built by the vitest global
 * setup), with main.ts's exit-code rules: 0 ran, 1 refused, 2 bad usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toErrorData } from '../../shared/errors';
import { StoreClient } from '../store/client';
import { Workspace } from '../store/workspace';
import { insertSynthetic } from '../store/review/test-fixtures';
import { registerReviewCommands } from './review-commands';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function seeded(): Promise<string> {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-review-'));
  dirs.push(d);
  const file = path.join(d, 'w.sqlite');
  const ws = await Workspace.open(file, { create: true });
  insertSynthetic(ws.db, { n: 1500, seed: 8, duplicateEvery: 40 });
  ws.checkpoint();
  ws.close();
  return file;
}

/** Runs the commands the way main.ts does and captures stdout/stderr. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  const program = new Command('loupe').exitOverride().configureOutput({ writeErr: (s) => { err += s; } });
  let result: Promise<number> = Promise.resolve(0);
  registerReviewCommands(program, (p) => { result = p; }, {
    async openClient(workspace, create) {
      const client = StoreClient.start();
      try {
        await client.call('internal.open', { path: workspace, create });
        return { client };
      } catch (e) {
        await client.kill();
        throw e;
      }
    },
  });
  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = await result;
  } catch (e) {
    if (e instanceof CommanderError) code = 2;
    else {
      err += `loupe: ${toErrorData(e).message}\n`;
      code = 1;
    }
  }
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('loupe queue create / report', () => {
  it('creates the same queue twice for the same seed, prints the --json shape, and writes every report format', async () => {
    const w = await seeded();
    const args = ['queue', 'create', '--workspace', w, '--week', '2026-W47', '--size', '40', '--seed', '7', '--strata', 'feature', '--oversample', 'thumbs_down=0.25', 'slow=0.1', '--json'];
    const a = await cli(args);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    const qa = JSON.parse(a.out) as { queue_id: number; items: Array<{ request_id: string; stratum: string; reason: string; inclusion_probability: number }> };
    expect(Object.keys(qa)).toEqual(['queue_id', 'items']);
    expect(qa.queue_id).toBe(1);
    expect(qa.items.length).toBe(40);
    expect(Object.keys(qa.items[0]!)).toEqual(['request_id', 'stratum', 'reason', 'inclusion_probability']);
    expect(qa.items.filter((i) => i.reason === 'oversampled: thumbs-down').length).toBe(10);
    expect(qa.items.filter((i) => i.reason === "oversampled: latency above the week's p95").length).toBe(4);
    const b = await cli(args);
    const qb = JSON.parse(b.out) as typeof qa;
    expect(qb.queue_id).toBe(2);
    expect(qb.items).toEqual(qa.items);

    for (const format of ['md', 'html', 'csv', 'json', 'pdf'] as const) {
      const out = path.join(path.dirname(w), `report.${format}`);
      const r = await cli(['report', '--workspace', w, '--week', '2026-W47', '--format', format, '--out', out]);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/^Wrote .*report\./);
      const text = fs.readFileSync(out, 'utf8');
      if (format === 'json') expect((JSON.parse(text) as { review: { data: { section: { queue: { id: number } } } } }).review.data.section.queue.id).toBe(2);
      if (format === 'md') expect(text).toContain('0 of 40 queued items reviewed');
      if (format === 'html') expect(text.startsWith('<!doctype html>')).toBe(true);
      if (format === 'csv') expect(text.split('\r\n')[0]).toBe('section,key,label,value,low,high,n,k,unit,detail');
      if (format === 'pdf') {
        expect(text.startsWith('%PDF-')).toBe(true);
        expect(r.err).toMatch(/\d+ pages\)/);
      }
    }
  });

  it('exits 2 on bad usage and 1 when refused, with the reason on stderr', async () => {
    const w = await seeded();
    const bad = await cli(['queue', 'create', '--workspace', w, '--week', '2026-47', '--size', '10']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--week expects an ISO week such as 2026-W47, got "2026-47"');
    const sig = await cli(['queue', 'create', '--workspace', w, '--week', '2026-W47', '--size', '10', '--oversample', 'angry=0.5']);
    expect(sig.code).toBe(2);
    expect(sig.err).toContain('--oversample expects SIGNAL=SHARE with SIGNAL one of edge_case_repeat, thumbs_down, low_score, ticket, error, slow, got "angry=0.5"');
    const sum = await cli(['queue', 'create', '--workspace', w, '--week', '2026-W47', '--size', '10', '--oversample', 'error=0.7', 'slow=0.5']);
    expect(sum.code).toBe(2);
    expect(sum.err).toContain('--oversample shares add up to 1.2; they must add up to at most 1');
    const missing = await cli(['queue', 'create', '--workspace', path.join(path.dirname(w), 'nope.sqlite'), '--week', '2026-W47', '--size', '10']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Workspace file not found');
    const empty = await cli(['queue', 'create', '--workspace', w, '--week', '2026-W30', '--size', '10', '--json']);
    expect(empty.code).toBe(1);
    expect(empty.out).toBe('');
    expect(empty.err).toContain('No requests to draw in 2026-W30: the period has no requests.');
    // A week without a queue still has a report; its review section says so in one line.
    const noQueue = await cli(['report', '--workspace', w, '--week', '2026-W30', '--format', 'md', '--out', '-']);
    expect(noQueue.code).toBe(0);
    expect(noQueue.out).toContain('No review queue for 2026-W30');
    const badWeek = await cli(['report', '--workspace', w, '--week', '2027-W53', '--format', 'pdf', '--out', '-']);
    // 2027 has 52 ISO weeks: a week that does not exist is bad usage (exit 2), as a malformed one is.
    expect(badWeek.code).toBe(2);
    expect(badWeek.err).toContain('--week expects an ISO week such as 2026-W47, got "2027-W53"');
    // --queue reports its own week: with --week too the two could disagree, so both are refused (as by estimates).
    const both = await cli(['report', '--workspace', w, '--queue', '1', '--week', '2026-W46', '--format', 'md', '--out', '-']);
    expect([both.code, both.out]).toEqual([2, '']);
    expect(both.err).toContain('give --week or --queue, not both');
    // A folder as --out is bad usage with a plain message (it was INTERNAL: EISDIR after the report was built).
    const folder = await cli(['report', '--workspace', w, '--week', '2026-W47', '--format', 'md', '--out', path.dirname(w)]);
    expect(folder.code).toBe(2);
    expect(folder.err).toContain(`--out expects a file, got the folder "${path.dirname(w)}"`);
    // No --week: the newest queue's week, else (as here: no queue) the latest week with requests, said on stderr.
    const latest = await cli(['report', '--workspace', w, '--format', 'md', '--out', '-']);
    expect(latest.code, latest.err).toBe(0);
    expect(latest.err).toBe('loupe: reporting 2026-W47 (the latest week with requests); --week chooses another.\n');
    expect(latest.out).toContain('# Weekly report: 2026-W47');
  });
});

describe('loupe simulate', () => {
  it('prints the --json shape the issue names, through the real sampler, reproducibly', async () => {
    const w = await seeded();
    const args = ['simulate', '--workspace', w, '--week', '2026-W47', '--size', '60', '--seed', '7', '--strata', 'feature', '--oversample', 'thumbs_down=0.3',
      '--failure-rates', 'feature=summarize=0.02', 'feature=chat=0.05', 'feature=translate=0.1', 'thumbs_down=0.4', '--seeds', '200', '--json'];
    const a = await cli(args);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    const r = JSON.parse(a.out) as Record<string, unknown> & { designs: Array<Record<string, unknown> & { frame: Array<{ key: string; population: number; sampled: number }> }> };
    expect(Object.keys(r)).toEqual(['designs', 'coverage', 'mean_estimate', 'true_rate', 'relative_bias', 'mean_half_width', 'seeds']);
    expect(r.seeds).toBe(200);
    expect(r.designs).toHaveLength(1);
    const d = r.designs[0]!;
    expect(d.coverage).toBe(r.coverage);
    expect(d.failure_rates).toEqual({ 'feature=summarize': 0.02, 'feature=chat': 0.05, 'feature=translate': 0.1, thumbs_down: 0.4 });
    // The frame is the whole week (1,500 requests, repeated inputs included); the thumbs-down stratum gets its 30%.
    expect(d.frame.reduce((x, s) => x + s.population, 0)).toBe(1500);
    expect(d.frame.find((s) => s.key === 'signal:thumbs_down')!.sampled).toBe(18);
    expect(r.coverage as number).toBeGreaterThanOrEqual(0.9);
    expect(r.true_rate as number).toBeGreaterThan(0.02);
    const b = await cli(args);
    expect(b.out).toBe(a.out);
  });

  it('without a rate, one design per plausible rate; --half-width finds a size; text output', async () => {
    const w = await seeded();
    const j = await cli(['simulate', '--workspace', w, '--week', '2026-W47', '--size', '40', '--seeds', '100', '--json']);
    const r = JSON.parse(j.out) as { designs: Array<{ failure_rate: number }> };
    expect(r.designs.map((d) => d.failure_rate)).toEqual([0.005, 0.02, 0.1, 0.3]);
    const h = await cli(['simulate', '--workspace', w, '--week', '2026-W47', '--size', '40', '--seeds', '100', '--failure-rate', '0.1', '--half-width', '0.05', '--json']);
    const size = (JSON.parse(h.out) as { size_for_half_width: number }).size_for_half_width;
    // An SRS needs about (1.96² · 0.1 · 0.9) / 0.05² ≈ 138 items for ±5 points at 10%.
    expect(size).toBeGreaterThan(100);
    expect(size).toBeLessThan(190);
    const t = await cli(['simulate', '--workspace', w, '--week', '2026-W47', '--size', '40', '--seeds', '50', '--failure-rate', '0.1']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^40 items, failure rate 10\.0%: true rate 10\.0%, 95% interval coverage \d+\.\d% \(misses below/);
  });

  it('exits 2 on bad usage and 1 when refused (a stratum without a rate, an empty week)', async () => {
    const w = await seeded();
    const bad = await cli(['simulate', '--workspace', w, '--week', '2026-W47', '--size', '40', '--failure-rates', 'chat']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--failure-rates expects STRATUM=RATE (e.g. feature=chat=0.02 or thumbs_down=0.3), got "chat"');
    const rate = await cli(['simulate', '--workspace', w, '--week', '2026-W47', '--size', '40', '--failure-rate', '2']);
    expect(rate.code).toBe(2);
    expect(rate.err).toContain('--failure-rate expects a share between 0 and 1 (e.g. 0.2), got "2"');
    const missing = await cli(['simulate', '--workspace', w, '--week', '2026-W47', '--size', '40', '--strata', 'feature', '--failure-rates', 'feature=chat=0.1']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('No failure rate for feature=summarize, feature=translate.');
    const empty = await cli(['simulate', '--workspace', w, '--week', '2026-W30', '--size', '40', '--failure-rate', '0.1']);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('No requests to draw in 2026-W30');
  });
});
