/**
 * `loupe weekly` end to end, through the built CLI and the store worker: the demo files in an inbox, run twice (the
 * second run imports nothing and changes neither queue nor report), then a new file (imported once), then a copy of
 * an imported file under another name (skipped by its content hash).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WeeklyResult } from './weekly-commands';
import { defaultWeek } from './weekly-commands';
import { loupe } from './run-cli';

const repo = path.resolve(__dirname, '../..');
const samples = path.join(repo, 'data/samples');
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-weekly-')); dirs.push(d); return d; };
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

const md5 = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, crypto.createHash('md5').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
const queueItems = (ws: string) => JSON.parse(loupe('info', '--workspace', ws, '--json').stdout) as { reviews: number; imports: unknown[]; requests: number };

describe('loupe weekly', () => {
  it('is safe to run twice: the second run imports nothing and leaves queue and report as they were; a new file is imported once', () => {
    const root = tmp();
    const inbox = path.join(root, 'inbox');
    const out = path.join(root, 'out');
    const ws = path.join(root, 'w.sqlite');
    fs.mkdirSync(inbox);
    for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv']) fs.copyFileSync(path.join(samples, f), path.join(inbox, f));
    const design = path.join(root, 'design.json');
    fs.writeFileSync(design, JSON.stringify({ size: 40, strata: 'feature', oversample: { thumbs_down: 0.1 }, seed: 4 }));
    const args = ['weekly', '--workspace', ws, '--inbox', inbox, '--week', '2026-W45', '--out', out, '--json'];

    const first = loupe(...args, '--design', design);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const r1 = JSON.parse(first.stdout) as WeeklyResult;
    // Requests first, so feedback and tickets link to them.
    expect(r1.imported.map((i) => [i.file, i.kind])).toEqual([['requests.jsonl.gz', 'requests'], ['feedback.jsonl.gz', 'feedback'], ['tickets.csv', 'tickets']]);
    expect(r1.queue).toMatchObject({ action: 'created', size: 40, added: 40 });
    expect(r1.report.files.map((f) => path.basename(f.file)).sort()).toEqual(['csv', 'html', 'json', 'md', 'pdf'].map((e) => `loupe-report-2026-W45.${e}`));
    expect(r1.report.findings.join('\n')).toContain('support-chat thumbs-down share rose to 43.8% (28 of 64 thumbs)');
    const files1 = md5(out);
    const info1 = queueItems(ws);

    const second = loupe(...args);
    expect(second.code).toBe(0);
    const r2 = JSON.parse(second.stdout) as WeeklyResult;
    expect(r2.imported).toEqual([]);
    expect(r2.skipped.map((s) => s.reason)).toEqual(Array(3).fill('already imported (same content)'));
    expect(r2.queue).toMatchObject({ queue_id: r1.queue.queue_id, action: 'unchanged', size: 40, added: 0, design_source: `queue #${r1.queue.queue_id} (the last design used)` });
    expect(r2.report.unchanged).toBe(true);
    expect(md5(out)).toEqual(files1);
    // The sizes it gives are of the files left in place (the PDF rendered again differs in its creation date).
    for (const f of r2.report.files) expect(f.bytes, f.file).toBe(fs.statSync(f.file).size);
    const info2 = queueItems(ws);
    expect(info2.imports.length).toBe(info1.imports.length);
    expect(info2.requests).toBe(18000);

    // A new file (five new W45 requests) is imported once; a copy of an imported file under a new name is skipped.
    const extra = Array.from({ length: 5 }, (_, i) => JSON.stringify({ request_id: `req_extra_${i}`, timestamp: `2026-11-04T10:0${i}:00Z`, feature: 'summarize', model: 'gpt-4o-mini', input: `extra question ${i}`, output: 'answer', latency_ms: 900, status: 'ok' }));
    fs.writeFileSync(path.join(inbox, 'extra.jsonl'), `${extra.join('\n')}\n`);
    fs.copyFileSync(path.join(inbox, 'tickets.csv'), path.join(inbox, 'tickets-copy.csv'));
    const third = JSON.parse(loupe(...args).stdout) as WeeklyResult;
    expect(third.imported.map((i) => [i.file, i.inserted])).toEqual([['extra.jsonl', 5]]);
    expect(third.skipped.find((s) => s.file === 'tickets-copy.csv')!.reason).toBe('already imported (same content)');
    expect(third.queue.action).toBe('unchanged');
    const fourth = JSON.parse(loupe(...args).stdout) as WeeklyResult;
    expect(fourth.imported).toEqual([]);
    expect(queueItems(ws).requests).toBe(18005);

    // A queue over a drill-down's time range (the Records grid's "Review this slice": every request of a slice) is no
    // weekly design: the next run keeps the week's own (it took the slice's size, 40 → 200 items).
    const slice = loupe('queue', 'create', '--workspace', ws, '--from', '2026-11-03T00:00:00Z', '--to', '2026-11-04T00:00:00Z', '--size', '200', '--filter', 'feature=summarize', '--json');
    expect(slice.code).toBe(0);
    const fifth = JSON.parse(loupe(...args).stdout) as WeeklyResult;
    expect(fifth.queue).toMatchObject({ queue_id: r1.queue.queue_id, action: 'unchanged', size: 40, design_source: `queue #${r1.queue.queue_id} (the last design used)` });
  }, 240_000);

  it('refuses bad usage with exit 2, and a run with no design with exit 1 after importing', () => {
    const root = tmp();
    expect(loupe('weekly', '--workspace', path.join(root, 'w.sqlite'), '--inbox', path.join(root, 'missing'), '--out', root).code).toBe(2);
    expect(loupe('weekly', '--workspace', path.join(root, 'w.sqlite'), '--inbox', root, '--out', root, '--week', '2026-W99').code).toBe(2);
    // A file as --out (a folder) is bad usage, said plainly (it was INTERNAL: EEXIST from mkdir).
    fs.writeFileSync(path.join(root, 'a-file.csv'), 'x\n');
    const outFile = loupe('weekly', '--workspace', path.join(root, 'w.sqlite'), '--inbox', root, '--out', path.join(root, 'a-file.csv'));
    expect([outFile.code, outFile.stderr]).toEqual([2, `loupe: --out expects a folder, got the file "${path.join(root, 'a-file.csv')}"\n`]);
    const inbox = path.join(root, 'inbox');
    fs.mkdirSync(inbox);
    fs.copyFileSync(path.join(samples, 'tickets.csv'), path.join(inbox, 'tickets.csv'));
    fs.writeFileSync(path.join(inbox, 'r.jsonl'), `${JSON.stringify({ request_id: 'a1', timestamp: '2026-11-04T10:00:00Z', input: 'q', output: 'a' })}\n`);
    const r = loupe('weekly', '--workspace', path.join(root, 'w.sqlite'), '--inbox', inbox, '--out', path.join(root, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No saved design: pass --design FILE/);
    expect(r.stdout).toMatch(/imported r\.jsonl/);
    expect(fs.existsSync(path.join(root, 'out', 'loupe-report-2026-W45.pdf'))).toBe(true);
  }, 120_000);

  it('defaults to the latest complete ISO week', () => {
    // Data to Sun 2026-11-22 23:00 UTC: W47 is complete. Data to Wed 2026-11-18: W46.
    expect(defaultWeek(Date.UTC(2026, 8, 1), Date.UTC(2026, 10, 22, 23), 'UTC')).toBe('2026-W47');
    expect(defaultWeek(Date.UTC(2026, 8, 1), Date.UTC(2026, 10, 18), 'UTC')).toBe('2026-W46');
    expect(defaultWeek(null, null, 'UTC')).toBeNull();
  });
});
