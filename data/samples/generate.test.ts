// Checks the demo data generator from the outside: it reads the written files back (gunzip, JSON.parse,
// papaparse) and recomputes every rate itself, so a generator that only *claims* an effect in the
// manifest fails here.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBenchRequests, generateSamples } from './generate';
import type { SampleFeedback, SampleManifest, SampleRequest } from './generate';

const here = path.dirname(new URL(import.meta.url).pathname);
const tmpRoot = mkdtempSync(path.join(tmpdir(), 'loupe-samples-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

const FILES = ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv', 'manifest.json'] as const;
const REQUEST_KEYS = ['request_id', 'timestamp', 'user_id', 'session_id', 'segment', 'model', 'model_version', 'feature', 'input', 'output', 'latency_ms', 'ttft_ms', 'prompt_tokens', 'completion_tokens', 'cost_usd', 'status', 'error', 'lang'];
const TICKET_HEADER = ['Ticket ID', 'Requester', 'Requester Email', 'Subject', 'Description', 'Status', 'Priority', 'Channel', 'Tags', 'Created at', 'Updated at', 'Solved at', 'Satisfaction Score', 'Request ID'];

function fileHash(dir: string, name: string): string {
  return createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex');
}

function readJsonl<T>(file: string): T[] {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line, i) => {
    try {
      return JSON.parse(line) as T;
    } catch (e) {
      throw new Error(`${file} line ${String(i + 1)}: not JSON (${String(e)})`);
    }
  });
}

function readTickets(file: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  expect(parsed.meta.fields).toEqual(TICKET_HEADER);
  return parsed.data;
}

/** ISO week label computed with luxon, independently of the generator's own helper. */
function isoWeek(ts: string): string {
  const d = DateTime.fromISO(ts, { zone: 'utc' });
  return `${String(d.weekYear)}-W${String(d.weekNumber).padStart(2, '0')}`;
}

/** Linear-interpolation quantile (R type 7). */
function quantile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return (s[lo] as number) + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number));
}

const share = (n: number, d: number): number => n / d;

describe('determinism', () => {
  it('gives byte-identical files for the same seed and different files for another seed', async () => {
    const opts = { weeks: 12, requestsPerWeek: 200 };
    const a = path.join(tmpRoot, 'det-a');
    const b = path.join(tmpRoot, 'det-b');
    const c = path.join(tmpRoot, 'det-c');
    await generateSamples({ seed: 11, outDir: a, ...opts });
    await generateSamples({ seed: 11, outDir: b, ...opts });
    await generateSamples({ seed: 12, outDir: c, ...opts });
    for (const f of FILES) {
      expect(fileHash(a, f), f).toBe(fileHash(b, f));
      expect(fileHash(a, f), f).not.toBe(fileHash(c, f));
    }
  });

  it('rejects a malformed end week with a clear message', async () => {
    await expect(generateSamples({ seed: 1, weeks: 2, requestsPerWeek: 10, outDir: path.join(tmpRoot, 'bad'), endWeek: '2026-47' }))
      .rejects.toThrow('endWeek "2026-47" is not an ISO week like "2026-W47"');
  });
});

describe('default demo data set (seed 47, 12 weeks x 1,500 requests)', () => {
  const dir = path.join(tmpRoot, 'full');
  let manifest: SampleManifest;
  let requests: SampleRequest[];
  let feedback: SampleFeedback[];
  let tickets: Record<string, string>[];
  const event = (id: string): SampleManifest['events'][number] => {
    const e = manifest.events.find((x) => x.id === id);
    if (!e) throw new Error(`event ${id} missing from manifest`);
    return e;
  };

  beforeAll(async () => {
    manifest = await generateSamples({ seed: 47, weeks: 12, requestsPerWeek: 1500, outDir: dir });
    requests = readJsonl<SampleRequest>(path.join(dir, 'requests.jsonl.gz'));
    feedback = readJsonl<SampleFeedback>(path.join(dir, 'feedback.jsonl.gz'));
    tickets = readTickets(path.join(dir, 'tickets.csv'));
  });

  it('matches the committed output in data/samples when it is present', () => {
    const committed = path.join(here, 'manifest.json');
    if (!existsSync(committed)) return; // first generation: nothing committed yet
    const m = JSON.parse(readFileSync(committed, 'utf8')) as SampleManifest;
    expect({ seed: m.seed, weeks: m.weeks, rpw: m.requests_per_week, end: m.end_week }).toEqual({ seed: 47, weeks: 12, rpw: 1500, end: '2026-W47' });
    // Compare content rather than gzip bytes: another zlib build may compress the same lines differently.
    const stale = 'is stale: run node dist/node/generate-samples.js and commit the result';
    for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz']) {
      expect(gunzipSync(readFileSync(path.join(here, f))).equals(gunzipSync(readFileSync(path.join(dir, f)))), `${f} ${stale}`).toBe(true);
    }
    expect(fileHash(here, 'tickets.csv'), `tickets.csv ${stale}`).toBe(fileHash(dir, 'tickets.csv'));
    const { files: _committedFiles, ...committedRest } = m;
    const { files: _freshFiles, ...freshRest } = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as SampleManifest;
    expect(committedRest, `manifest.json ${stale}`).toEqual(freshRest);
  });

  it('stays under 5 MB in total', () => {
    const total = FILES.reduce((s, f) => s + statSync(path.join(dir, f)).size, 0);
    expect(total).toBeLessThan(5 * 1024 * 1024);
  });

  it('has manifest counts that match the files', () => {
    expect(manifest.counts.requests).toBe(18000);
    expect(requests.length).toBe(manifest.counts.requests);
    expect(manifest.files['requests.jsonl.gz'].records).toBe(requests.length);
    expect(manifest.files['feedback.jsonl.gz'].records).toBe(feedback.length);
    expect(manifest.files['tickets.csv'].records).toBe(tickets.length);
    expect(manifest.counts.tickets).toBe(tickets.length);
    for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv'] as const) {
      expect(manifest.files[f].sha256).toBe(fileHash(dir, f));
      expect(manifest.files[f].bytes).toBe(statSync(path.join(dir, f)).size);
    }
    const byWeek: Record<string, number> = {};
    for (const r of requests) byWeek[isoWeek(r.timestamp)] = (byWeek[isoWeek(r.timestamp)] ?? 0) + 1;
    expect(byWeek).toEqual(manifest.counts.requests_by_week);
    expect(Object.keys(byWeek)).toEqual(manifest.iso_weeks);
    expect(manifest.iso_weeks[0]).toBe('2026-W36');
    expect(manifest.iso_weeks[11]).toBe('2026-W47');
    const byType: Record<string, number> = {};
    for (const f of feedback) byType[f.type] = (byType[f.type] ?? 0) + 1;
    expect(byType).toEqual(manifest.counts.feedback_by_type);
    expect(requests.filter((r) => r.status === 'error').length).toBe(manifest.counts.requests_error);
    expect(requests.filter((r) => !('cost_usd' in r)).length).toBe(manifest.counts.requests_without_cost);
    expect(new Set(requests.map((r) => r.session_id)).size).toBe(manifest.counts.sessions);
    expect(tickets.filter((t) => t['Request ID'] !== '').length).toBe(manifest.counts.tickets_with_request_id);
    expect(tickets.filter((t) => t['Solved at'] !== '').length).toBe(manifest.counts.tickets_solved);
  });

  it('writes well-formed requests in time order within the 12 weeks', () => {
    // Collect problems and assert once: 18,000 rows x several expect() calls is slow.
    const problems: string[] = [];
    const ids = new Set<string>();
    let prev = '';
    for (const [i, r] of requests.entries()) {
      const where = `line ${String(i + 1)} (${r.request_id})`;
      const keys = Object.keys(r).join(',');
      if (keys !== REQUEST_KEYS.filter((k) => k !== 'cost_usd' || 'cost_usd' in r).join(',')) problems.push(`${where}: keys ${keys}`);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(r.timestamp)) problems.push(`${where}: timestamp ${r.timestamp}`);
      if (r.timestamp < prev) problems.push(`${where}: out of order`);
      prev = r.timestamp;
      ids.add(r.request_id);
      if (r.status === 'ok') {
        if (r.error !== null || typeof r.output !== 'string') problems.push(`${where}: ok row with error or without output`);
        if (!((r.ttft_ms as number) <= r.latency_ms) || !((r.completion_tokens as number) > 0)) problems.push(`${where}: ttft/latency/tokens`);
      } else if (r.status !== 'error' || r.output !== null || !/\S/.test(r.error ?? '')) problems.push(`${where}: bad error row`);
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBe(requests.length);
    expect((requests[0] as SampleRequest).timestamp >= '2026-08-31T00:00:00.000Z').toBe(true);
    expect((requests[requests.length - 1] as SampleRequest).timestamp < '2026-11-23T00:00:00.000Z').toBe(true);
    const noCost = share(manifest.counts.requests_without_cost, requests.length);
    expect(noCost).toBeGreaterThan(0.18);
    expect(noCost).toBeLessThan(0.22);
    expect(new Set(requests.map((r) => r.user_id)).size).toBeGreaterThan(300);
    expect(new Set(requests.map((r) => r.segment))).toEqual(new Set(['free', 'pro', 'enterprise']));
  });

  it('has cost_usd equal to the manifest price table applied to the tokens', () => {
    for (const r of requests) {
      if (r.cost_usd === undefined || r.status === 'error') continue;
      const p = manifest.prices_usd_per_million_tokens[r.model];
      if (!p) throw new Error(`no price for ${r.model}`);
      expect(r.cost_usd).toBeCloseTo(((r.prompt_tokens as number) * p.input + (r.completion_tokens as number) * p.output) / 1e6, 8);
    }
  });

  it('has a weekday/daytime traffic shape', () => {
    const byDow = [0, 0, 0, 0, 0, 0, 0];
    const byHour = new Array<number>(24).fill(0);
    for (const r of requests) {
      const d = new Date(r.timestamp);
      byDow[(d.getUTCDay() + 6) % 7]! += 1;
      byHour[d.getUTCHours()]! += 1;
    }
    expect(Math.min(...byDow.slice(0, 5))).toBeGreaterThan(2 * Math.max(byDow[5]!, byDow[6]!));
    expect(byHour[10]!).toBeGreaterThan(4 * byHour[3]!);
  });

  it('injects the search-answer error spike in W40', () => {
    const e = event('error-spike-search-answer');
    expect(e.iso_week).toBe('2026-W40');
    const sa = requests.filter((r) => r.feature === 'search-answer');
    const win = sa.filter((r) => r.timestamp >= e.start && r.timestamp < e.end);
    const week = sa.filter((r) => isoWeek(r.timestamp) === '2026-W40');
    const rest = sa.filter((r) => isoWeek(r.timestamp) !== '2026-W40');
    const err = (xs: SampleRequest[]): number => share(xs.filter((r) => r.status === 'error').length, xs.length);
    expect(err(win)).toBeGreaterThan(0.08);
    expect(err(rest)).toBeLessThan(0.02);
    expect(err(week)).toBeGreaterThan(2.5 * err(rest));
    expect(e.observed.error_rate_in_window).toBeCloseTo(err(win), 4);
    expect(win.filter((r) => r.error === '502 Bad Gateway: retrieval service search-idx-eu-2 unavailable').length).toBeGreaterThan(5);
    // Other features are untouched in the window.
    const others = requests.filter((r) => r.feature !== 'search-answer' && r.timestamp >= e.start && r.timestamp < e.end);
    expect(err(others)).toBeLessThan(0.03);
  });

  it('rolls gpt-4o-mini from 2026-07-18 to 2026-10-01 over 3 days in W43', () => {
    const e = event('model-switch-gpt-4o-mini');
    expect(e.iso_week).toBe('2026-W43');
    const mini = requests.filter((r) => r.model === 'gpt-4o-mini');
    expect(mini.filter((r) => r.timestamp < e.start).every((r) => r.model_version === '2026-07-18')).toBe(true);
    expect(mini.filter((r) => r.timestamp >= e.end).every((r) => r.model_version === '2026-10-01')).toBe(true);
    const wed = mini.filter((r) => r.timestamp.startsWith('2026-10-21'));
    const newShare = share(wed.filter((r) => r.model_version === '2026-10-01').length, wed.length);
    expect(newShare).toBeGreaterThan(0.3);
    expect(newShare).toBeLessThan(0.8);
    expect(requests.filter((r) => r.model === 'gpt-4o').every((r) => r.feature === 'email-draft' && r.model_version === '2024-08-06')).toBe(true);
  });

  it('makes summarize p95 latency ~60% higher on the new version, and only summarize', () => {
    const ok = (f: string, v: string): number[] => requests.filter((r) => r.feature === f && r.status === 'ok' && r.model_version === v).map((r) => r.latency_ms);
    const ratio = (f: string): number => quantile(ok(f, '2026-10-01'), 0.95) / quantile(ok(f, '2026-07-18'), 0.95);
    expect(ratio('summarize')).toBeGreaterThan(1.4);
    expect(ratio('summarize')).toBeLessThan(1.8);
    expect(ratio('support-chat')).toBeGreaterThan(0.88);
    expect(ratio('support-chat')).toBeLessThan(1.12);
    expect(ratio('search-answer')).toBeGreaterThan(0.88);
    expect(ratio('search-answer')).toBeLessThan(1.12);
    expect(event('latency-regression-summarize').observed.p95_ratio_new_over_old).toBeCloseTo(ratio('summarize'), 3);
  });

  it('drifts support-chat input length (+80%) and language (30% de/fr/es) in W45', () => {
    const e = event('input-drift-support-chat');
    expect(e.iso_week).toBe('2026-W45');
    const sc = requests.filter((r) => r.feature === 'support-chat');
    const week = sc.filter((r) => isoWeek(r.timestamp) === '2026-W45');
    const rest = sc.filter((r) => isoWeek(r.timestamp) !== '2026-W45');
    const mean = (xs: SampleRequest[]): number => xs.reduce((s, r) => s + r.input.length, 0) / xs.length;
    const nonEn = (xs: SampleRequest[]): number => share(xs.filter((r) => r.lang !== 'en').length, xs.length);
    expect(mean(week) / mean(rest)).toBeGreaterThan(1.6);
    expect(mean(week) / mean(rest)).toBeLessThan(2.0);
    expect(nonEn(week)).toBeGreaterThan(0.22);
    expect(nonEn(week)).toBeLessThan(0.4);
    expect(nonEn(rest)).toBeLessThan(0.06);
    for (const l of ['de', 'fr', 'es']) expect(week.filter((r) => r.lang === l).length).toBeGreaterThan(20);
    // Other features keep their inputs.
    const sum = requests.filter((r) => r.feature === 'summarize');
    const sumRatio = mean(sum.filter((r) => isoWeek(r.timestamp) === '2026-W45')) / mean(sum.filter((r) => isoWeek(r.timestamp) !== '2026-W45'));
    expect(sumRatio).toBeLessThan(1.25);
    expect(e.observed.non_english_share_week).toBeCloseTo(nonEn(week), 4);
  });

  it('raises the support-chat thumbs-down share in the drift week', () => {
    const e = event('quality-drop-support-chat');
    const weekOf = new Map(requests.map((r) => [r.request_id, r.feature === 'support-chat' ? isoWeek(r.timestamp) : null]));
    const thumbs = feedback.filter((f) => f.type === 'thumb' && weekOf.get(f.request_id ?? '') != null);
    const week = thumbs.filter((f) => weekOf.get(f.request_id as string) === '2026-W45');
    const rest = thumbs.filter((f) => weekOf.get(f.request_id as string) !== '2026-W45');
    const down = (xs: SampleFeedback[]): number => share(xs.filter((f) => f.value === 'down').length, xs.length);
    expect(week.length).toBeGreaterThan(30);
    expect(down(week)).toBeGreaterThan(down(rest) + 0.12);
    expect(e.observed.thumbs_down_share_week).toBeCloseTo(down(week), 4);
  });

  it('slows support-chat for six hours on Thu of W38: the day\'s p95 is over 3x its normal, other features keep theirs', () => {
    const e = event('latency-incident-support-chat');
    expect(e.iso_week).toBe('2026-W38');
    const day = e.start.slice(0, 10);
    const p95 = (f: string, d: string) => quantile(requests.filter((r) => r.feature === f && r.timestamp.startsWith(d)).map((r) => r.latency_ms), 0.95);
    const before = (f: string) => {
      const xs: number[] = [];
      for (let k = 1; k <= 28; k++) {
        const d = new Date(Date.parse(`${day}T00:00:00Z`) - k * 86_400_000).toISOString().slice(0, 10);
        if (requests.filter((r) => r.feature === f && r.timestamp.startsWith(d)).length >= 50) xs.push(p95(f, d));
      }
      return quantile(xs, 0.5);
    };
    expect(p95('support-chat', day) / before('support-chat')).toBeGreaterThan(3);
    expect(e.observed.p95_ratio_day_over_normal).toBeCloseTo(p95('support-chat', day) / before('support-chat'), 3);
    for (const f of ['summarize', 'search-answer']) expect(p95(f, day) / before(f)).toBeLessThan(1.6);
    const slowed = requests.filter((r) => r.feature === 'support-chat' && r.status === 'ok' && r.timestamp >= e.start && r.timestamp < e.end);
    expect(slowed.length).toBe(e.observed.requests_slowed);
    expect(slowed.every((r) => (r.ttft_ms as number) > 2000 && (r.ttft_ms as number) <= r.latency_ms)).toBe(true);
  });

  it('spikes the cost of one day in W44 through one user\'s email drafts with mailbox-sized prompts', () => {
    const e = event('cost-spike-email-draft');
    expect(e.iso_week).toBe('2026-W44');
    const price = (r: SampleRequest) => manifest.prices_usd_per_million_tokens[r.model]!;
    // Every row's cost, including the rows the file leaves without cost_usd (the app derives those the same way).
    const cost = (r: SampleRequest) => (r.status === 'error' ? 0 : ((r.prompt_tokens as number) * price(r).input + (r.completion_tokens as number) * price(r).output) / 1e6);
    const dayCost = (from: number) => requests.filter((r) => Date.parse(r.timestamp) >= from && Date.parse(r.timestamp) < from + 86_400_000).reduce((s, r) => s + cost(r), 0);
    const start = Date.parse(e.start);
    const baseline = [1, 2, 3, 4].map((k) => dayCost(start - k * 7 * 86_400_000)).reduce((a, b) => a + b, 0) / 4;
    expect(dayCost(start) / baseline).toBeGreaterThan(5);
    const big = requests.filter((r) => (r.prompt_tokens ?? 0) > 50_000);
    expect(big.length).toBe(e.observed.requests_changed);
    expect(new Set(big.map((r) => r.user_id))).toEqual(new Set([e.injected.user_id]));
    expect(big.every((r) => r.feature === 'email-draft' && r.timestamp >= e.start && r.timestamp < e.end)).toBe(true);
  });

  it('turns most summarize thumbs-up of W46 into thumbs-down', () => {
    const e = event('feedback-surge-summarize');
    expect(e.iso_week).toBe('2026-W46');
    const week = new Map(requests.filter((r) => r.feature === 'summarize').map((r) => [r.request_id, isoWeek(r.timestamp)]));
    const thumbs = feedback.filter((f) => f.type === 'thumb' && week.has(f.request_id ?? ''));
    const inW = thumbs.filter((f) => week.get(f.request_id as string) === '2026-W46');
    const rest = thumbs.filter((f) => week.get(f.request_id as string) !== '2026-W46');
    const down = (xs: SampleFeedback[]) => share(xs.filter((f) => f.value === 'down').length, xs.length);
    expect(inW.length).toBeGreaterThanOrEqual(20);
    expect(down(inW)).toBeGreaterThan(0.5);
    expect(down(rest)).toBeLessThan(0.25);
    expect(e.observed.thumbs_down_share_in_window).toBeCloseTo(down(inW), 4);
  });

  it('keeps feedback sparse, well-formed and correlated with errors', () => {
    const byId = new Map(requests.map((r) => [r.request_id, r]));
    const thumbs = feedback.filter((f) => f.type === 'thumb');
    expect(share(thumbs.length, requests.length)).toBeGreaterThan(0.06);
    expect(share(thumbs.length, requests.length)).toBeLessThan(0.1);
    const downShare = (xs: SampleFeedback[]): number => share(xs.filter((f) => f.value === 'down').length, xs.length);
    const onErrors = thumbs.filter((f) => byId.get(f.request_id as string)?.status === 'error');
    expect(downShare(onErrors)).toBeGreaterThan(0.7);
    expect(downShare(thumbs)).toBeLessThan(0.3);
    for (const f of feedback) {
      if (f.request_id !== undefined) {
        const r = byId.get(f.request_id);
        expect(r, `feedback ${f.feedback_id} points at an unknown request`).toBeDefined();
        expect(f.timestamp > (r as SampleRequest).timestamp).toBe(true);
      }
      if (f.type === 'thumb') expect(['up', 'down']).toContain(f.value);
      if (f.type === 'csat') expect([1, 2, 3, 4, 5]).toContain(f.value);
      if (f.type === 'nps') expect(Number.isInteger(f.value) && (f.value as number) >= 0 && (f.value as number) <= 10).toBe(true);
      if (f.type === 'comment') expect(f.comment).toMatch(/\S/);
    }
    const npsWeeks = new Set(feedback.filter((f) => f.type === 'nps').map((f) => isoWeek(f.timestamp)));
    expect(npsWeeks).toEqual(new Set(['2026-W38', '2026-W46']));
  });

  it('writes Zendesk-like tickets linkable to requests by id or by user within 48 h', () => {
    expect(share(requests.length, tickets.length)).toBeGreaterThan(110);
    expect(share(requests.length, tickets.length)).toBeLessThan(200);
    const withId = share(tickets.filter((t) => t['Request ID'] !== '').length, tickets.length);
    expect(withId).toBeGreaterThan(0.3);
    expect(withId).toBeLessThan(0.5);
    const byId = new Map(requests.map((r) => [r.request_id, r]));
    const links = new Map(manifest.ticket_links.map((l) => [String(l.ticket_id), l]));
    let quoted = 0;
    for (const t of tickets) {
      const created = t['Created at'] as string;
      expect(created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const link = links.get(t['Ticket ID'] as string);
      expect(link).toBeDefined();
      const r = byId.get(link?.request_id ?? '') as SampleRequest;
      expect(r.user_id).toBe(t.Requester);
      const lagH = (Date.parse(`${created.replace(' ', 'T')}Z`) - Date.parse(r.timestamp)) / 3_600_000;
      expect(lagH).toBeGreaterThan(0);
      expect(lagH).toBeLessThan(48);
      if (t['Request ID'] !== '') expect(t['Request ID']).toBe(r.request_id);
      if (t['Solved at'] === '') expect(t['Satisfaction Score']).toBe('');
      else expect(['', '1', '2', '3', '4', '5']).toContain(t['Satisfaction Score']);
      if (/[",\n]/.test(t.Description as string)) quoted++;
    }
    expect(quoted).toBeGreaterThan(tickets.length / 2);
    expect(tickets.some((t) => t['Solved at'] === '')).toBe(true);
    // RFC 4180: CRLF record ends, doubled quotes inside quoted fields.
    const raw = readFileSync(path.join(dir, 'tickets.csv'), 'utf8');
    expect(raw.startsWith(`${TICKET_HEADER.join(',')}\r\n`)).toBe(true);
    expect(raw).toContain('""');
  });

  it('contains the HTML-injection, long-output and markdown edge cases', () => {
    const byId = new Map(requests.map((r) => [r.request_id, r]));
    const html = manifest.edge_cases.html_injection_request_ids.map((id) => byId.get(id) as SampleRequest);
    expect(html.length).toBe(3);
    const outputs = html.map((r) => r.output ?? '').join('\n');
    expect(outputs).toContain('<script>alert(1)</script>');
    expect(outputs).toContain('<img src=x onerror=alert(1)>');
    const long = manifest.edge_cases.long_output_request_ids.map((id) => byId.get(id) as SampleRequest);
    expect(long.length).toBe(4);
    for (const r of long) expect((r.output ?? '').length).toBeGreaterThanOrEqual(20_000);
    expect(requests.filter((r) => (r.output ?? '').length >= 20_000).length).toBe(4);
    expect(requests.filter((r) => /^## /m.test(r.output ?? '') && (r.output ?? '').includes('\n\n')).length).toBe(manifest.edge_cases.markdown_outputs);
  });
});

describe('generateBenchRequests', () => {
  it('writes the requested number of ~600-byte JSONL requests, deterministically', async () => {
    const a = path.join(tmpRoot, 'bench-a.jsonl');
    const b = path.join(tmpRoot, 'bench-b.jsonl');
    const { bytes } = await generateBenchRequests(a, 5000, 3);
    await generateBenchRequests(b, 5000, 3);
    expect(statSync(a).size).toBe(bytes);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const lines = readFileSync(a, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(5000);
    expect(bytes / 5000).toBeGreaterThan(500);
    expect(bytes / 5000).toBeLessThan(700);
    const rows = lines.map((l) => JSON.parse(l) as SampleRequest);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(5000);
    for (const r of rows.slice(0, 200)) expect(Object.keys(r)).toEqual(REQUEST_KEYS.filter((k) => k !== 'cost_usd' || 'cost_usd' in r));
    expect(rows.filter((r) => !('cost_usd' in r)).length).toBe(1000);
    const { bytes: empty } = await generateBenchRequests(path.join(tmpRoot, 'bench-0.jsonl'), 0, 3);
    expect(empty).toBe(0);
  });
});
