// Seeded synthetic demo data for Loupe: 12 ISO weeks of a help-desk SaaS team's AI requests, user feedback
// and support tickets, with known anomalies injected in known weeks (see README.md and manifest.json).
// Same seed and options => byte-identical files: all randomness comes from ./prng, all times from the
// chosen end week, never from the clock.
import { createHash } from 'node:crypto';
import { open, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { Command } from 'commander';
import { DateTime } from 'luxon';
import Papa from 'papaparse';
import { Rng } from './prng';
import {
  FREE_COMMENTS, LANG_MISMATCH_COMMENTS, NPS_COMMENTS, OTHER_TICKETS, POOR_SUBJECTS, THUMB_DOWN_COMMENTS, THUMB_UP_COMMENTS,
  TICKET_SUBJECTS, driftContextBlock, emailTurn, fill, firstName, lastName, longReport, newEmailThread, pickSupportTopic,
  searchTurn, summarizeTurn, supportTurn,
} from './templates';
import type { EmailThread, Lang, Quality, SupportTopic, TextContext, TextPair } from './templates';

const gzip = promisify(gzipCb);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Features of the synthetic team's product. */
export type Feature = 'support-chat' | 'summarize' | 'search-answer' | 'email-draft';
/** Customer segments. */
export type Segment = 'free' | 'pro' | 'enterprise';

/** One line of requests.jsonl.gz. Field order here is the order written. */
export interface SampleRequest {
  request_id: string;
  /** ISO 8601 UTC with milliseconds and `Z`. */
  timestamp: string;
  user_id: string;
  session_id: string;
  segment: Segment;
  model: string;
  model_version: string;
  feature: Feature;
  input: string;
  /** null when status is "error". */
  output: string | null;
  /** End-to-end latency, ms. */
  latency_ms: number;
  /** Time to first token, ms; null for errors (no token arrived). */
  ttft_ms: number | null;
  /** null for errors: the provider reports no usage for failed calls. */
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** USD; absent on ~20% of rows so the app derives it from its price table; 0 for errors. */
  cost_usd?: number;
  status: 'ok' | 'error';
  error: string | null;
  lang: Lang;
}

/** One line of feedback.jsonl.gz. */
export interface SampleFeedback {
  feedback_id: string;
  type: 'thumb' | 'csat' | 'nps' | 'comment';
  timestamp: string;
  request_id?: string;
  session_id?: string;
  user_id: string;
  /** "up"/"down" for thumbs, 1-5 for CSAT, 0-10 for NPS; absent for free comments. */
  value?: 'up' | 'down' | number;
  comment?: string;
}

/** Options of {@link generateSamples}. */
export interface GenerateOptions {
  /** PRNG seed; the same seed and options give byte-identical files. */
  seed: number;
  /** Number of ISO weeks, ending with `endWeek`. The injected events need at least 10 (W38..W47 by default). */
  weeks: number;
  /** Mean requests per week (weeks grow ~2%/week around this mean). */
  requestsPerWeek: number;
  /** Output folder; created if missing. */
  outDir: string;
  /** Last ISO week, e.g. "2026-W47" (default). */
  endWeek?: string;
}

/** An anomaly injected on purpose, with the parameters used and the effect measured in the written files. */
export interface InjectedEvent {
  id: string;
  type: 'error_spike' | 'model_switch' | 'latency_regression' | 'input_drift' | 'quality_drop' | 'latency_incident' | 'cost_spike' | 'feedback_surge';
  /** ISO week label, e.g. "2026-W40". */
  iso_week: string;
  /** Feature affected, or null when several are. */
  feature: Feature | null;
  /** Window in which the injected parameters apply, ISO 8601 UTC, end exclusive. */
  start: string;
  end: string;
  description: string;
  /** Parameters the generator used (rates 0..1, multipliers). */
  injected: Record<string, number | string>;
  /** Effect measured on the generated records (rates 0..1, latencies in ms). */
  observed: Record<string, number>;
}

/** Count, size and hash of one written file. */
export interface FileSummary {
  records: number;
  bytes: number;
  sha256: string;
}

/** What {@link generateSamples} wrote; also saved as manifest.json. */
export interface SampleManifest {
  generator: 'loupe-samples';
  format_version: 1;
  seed: number;
  weeks: number;
  requests_per_week: number;
  end_week: string;
  /** First instant covered (Monday 00:00 UTC of the first week) and end (exclusive). */
  start: string;
  end: string;
  iso_weeks: string[];
  /** Quantile method used for every p50/p95 in `observed`. */
  quantile_method: 'linear interpolation at (n-1)p (R type 7)';
  /** USD per 1M tokens used for cost_usd. */
  prices_usd_per_million_tokens: Record<string, { input: number; output: number }>;
  files: Record<'requests.jsonl.gz' | 'feedback.jsonl.gz' | 'tickets.csv', FileSummary>;
  counts: {
    requests: number;
    requests_by_week: Record<string, number>;
    requests_by_feature: Record<string, number>;
    requests_error: number;
    requests_without_cost: number;
    users: number;
    sessions: number;
    feedback_by_type: Record<string, number>;
    tickets: number;
    tickets_with_request_id: number;
    tickets_solved: number;
  };
  events: InjectedEvent[];
  edge_cases: {
    /** Requests whose input/output contain `<script>alert(1)</script>` or `<img src=x onerror=alert(1)>`. */
    html_injection_request_ids: string[];
    /** Requests with outputs of 20,000+ characters. */
    long_output_request_ids: string[];
    /** Count of multi-paragraph markdown outputs (headings, tables, lists). */
    markdown_outputs: number;
  };
  /** Ground truth for ticket-to-request linking: the request each ticket was raised about. */
  ticket_links: { ticket_id: number; request_id: string; user_id: string; request_id_in_file: boolean }[];
}

// ---------------------------------------------------------------------------------------------------
// Model of the synthetic team

const MODEL_MINI = 'gpt-4o-mini';
const MINI_OLD = '2026-07-18';
const MINI_NEW = '2026-10-01';
const MODEL_EMAIL = 'gpt-4o';
const EMAIL_VERSION = '2024-08-06';
/** USD per 1M tokens (OpenAI list prices for these models in 2024-2025). */
const PRICES: Record<string, { input: number; output: number }> = {
  [MODEL_MINI]: { input: 0.15, output: 0.6 },
  [MODEL_EMAIL]: { input: 2.5, output: 10 },
};

interface FeatureSpec {
  /** Relative share of sessions (chosen so request shares come out ~35/25/25/15%). */
  sessionWeight: number;
  turns: [number, number][];
  model: string;
  systemTokens: number;
  ttftMedianMs: number;
  msPerToken: number;
  poorRate: number;
  errorRate: number;
  thumbsFactor: number;
}

const FEATURES: Record<Feature, FeatureSpec> = {
  'support-chat': { sessionWeight: 0.224, turns: [[1, 0.3], [2, 0.25], [3, 0.2], [4, 0.12], [5, 0.08], [6, 0.05]], model: MODEL_MINI, systemTokens: 380, ttftMedianMs: 380, msPerToken: 11, poorRate: 0.09, errorRate: 0.01, thumbsFactor: 1 },
  summarize: { sessionWeight: 0.35, turns: [[1, 0.82], [2, 0.18]], model: MODEL_MINI, systemTokens: 120, ttftMedianMs: 480, msPerToken: 11, poorRate: 0.07, errorRate: 0.009, thumbsFactor: 1 },
  'search-answer': { sessionWeight: 0.27, turns: [[1, 0.6], [2, 0.28], [3, 0.12]], model: MODEL_MINI, systemTokens: 260, ttftMedianMs: 620, msPerToken: 11, poorRate: 0.1, errorRate: 0.012, thumbsFactor: 1 },
  'email-draft': { sessionWeight: 0.156, turns: [[1, 0.55], [2, 0.3], [3, 0.15]], model: MODEL_EMAIL, systemTokens: 200, ttftMedianMs: 450, msPerToken: 19, poorRate: 0.06, errorRate: 0.008, thumbsFactor: 1 },
};
const FEATURE_NAMES = Object.keys(FEATURES) as Feature[];
const FEATURE_LABELS: Record<Feature, string> = { 'support-chat': 'the support chat', summarize: 'Summarize', 'search-answer': 'knowledge search', 'email-draft': 'the email assistant' };

/** Traffic by hour of day, UTC (EU and US customers: trough 02-05 UTC, plateaus 09-11 and 14-16 UTC). */
const HOUR_WEIGHTS = [0.35, 0.25, 0.18, 0.15, 0.15, 0.2, 0.35, 0.6, 0.85, 1, 1, 0.95, 0.85, 0.95, 1, 1, 0.95, 0.85, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4];
/** Traffic by weekday, Monday first. */
const DAY_WEIGHTS = [1, 1.05, 1.05, 1, 0.88, 0.4, 0.35];

/** Injected parameters (see README.md). */
const SPIKE_ERROR_RATE = 0.12;
const SPIKE_ERROR = '502 Bad Gateway: retrieval service search-idx-eu-2 unavailable';
const SUMMARIZE_V2_SLOWDOWN = 1.6;
const DRIFT_LANGS: [Lang, number][] = [['en', 0.7], ['de', 0.12], ['fr', 0.1], ['es', 0.08]];
const DRIFT_POOR_NON_EN = 0.75;
const DRIFT_POOR_EN = 0.18;
/** Context block length as a share of the message, drawn uniformly; calibrated so mean input length is x1.8. */
const DRIFT_BLOCK: [number, number] = [0.3, 0.9];
const COST_MISSING_RATE = 0.2;
/** Monitoring events (applied after feedback and tickets, each from its own PRNG stream; see injectMonitoringEvents). */
const INCIDENT_TTFT: [number, number] = [12, 16];
const SPIKE_PROMPT_TOKENS: [number, number] = [90_000, 125_000];
const SURGE_FLIP_RATE = 0.7;
const TICKET_REQUEST_ID_RATE = 0.4;

const BASE_ERRORS: [string, number][] = [
  ['Request timed out after 30000 ms', 0.3],
  ['429 Too Many Requests: rate limit exceeded for model {model}', 0.3],
  ['503 Service Unavailable: upstream model overloaded, please retry', 0.25],
  ["400 context_length_exceeded: This model's maximum context length is 128000 tokens", 0.15],
];

interface User {
  id: string;
  segment: Segment;
  activity: number;
  primary: Feature;
  lang: Lang;
  /** Uniform 0..1; the user gets the new model version once the rollout fraction passes it. */
  rolloutBucket: number;
  first: string;
  last: string;
  email: string;
}

interface Session {
  id: string;
  user: User;
  feature: Feature;
  lang: Lang;
  requests: Req[];
}

/** A request plus the latent facts the files never show. */
interface Req {
  rec: SampleRequest;
  t: number;
  session: Session;
  quality: Quality;
  /** Error injected by the spike (as opposed to background errors). */
  spike: boolean;
  markdown: boolean;
}

/** Time windows of the injected events, epoch ms, end exclusive. */
interface Timeline {
  start: number;
  end: number;
  lastWeekStart: number;
  spike: [number, number];
  rollout: [number, number];
  drift: [number, number];
  npsWaves: number[];
  latencyIncident: [number, number];
  costSpike: [number, number];
  feedbackSurge: [number, number];
}

function timeline(endWeek: string, weeks: number): Timeline {
  const last = DateTime.fromISO(`${endWeek}-1`, { zone: 'utc' });
  if (!/^\d{4}-W\d{2}$/.test(endWeek) || !last.isValid) throw new Error(`generateSamples: endWeek "${endWeek}" is not an ISO week like "2026-W47"`);
  const w = last.toMillis();
  const weekStart = (k: number): number => w - k * WEEK; // k weeks before the end week
  return {
    start: weekStart(weeks - 1),
    end: w + WEEK,
    lastWeekStart: w,
    // W-7 (2026-W40): Wednesday 00:00 to Friday 00:00.
    spike: [weekStart(7) + 2 * DAY, weekStart(7) + 4 * DAY],
    // W-4 (2026-W43): Tuesday 00:00 to Friday 00:00, linear by user bucket.
    rollout: [weekStart(4) + DAY, weekStart(4) + 4 * DAY],
    // W-2 (2026-W45): the whole week.
    drift: [weekStart(2), weekStart(2) + WEEK],
    // NPS survey waves: Wednesdays 14:00 of W-9 (2026-W38) and W-1 (2026-W46).
    npsWaves: [weekStart(9) + 2 * DAY + 14 * HOUR, weekStart(1) + 2 * DAY + 14 * HOUR],
    // W-9 (2026-W38): Thursday 08:00 to 14:00.
    latencyIncident: [weekStart(9) + 3 * DAY + 8 * HOUR, weekStart(9) + 3 * DAY + 14 * HOUR],
    // W-3 (2026-W44): Tuesday, the whole day.
    costSpike: [weekStart(3) + DAY, weekStart(3) + 2 * DAY],
    // W-1 (2026-W46): the whole week.
    feedbackSurge: [weekStart(1), weekStart(1) + WEEK],
  };
}

/** ISO week label ("2026-W47") of an epoch-ms instant, UTC. */
function isoWeekOf(t: number): string {
  const d = DateTime.fromMillis(t, { zone: 'utc' });
  return `${String(d.weekYear)}-W${String(d.weekNumber).padStart(2, '0')}`;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

/** `YYYY-MM-DD HH:MM:SS` UTC, as Zendesk exports dates. */
function zendeskTime(t: number): string {
  return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}

function cumulative(weights: number[]): number[] {
  const out: number[] = [];
  let s = 0;
  for (const w of weights) {
    s += w;
    out.push(s);
  }
  return out;
}

function drawIndex(rng: Rng, cum: number[]): number {
  const total = cum[cum.length - 1] ?? 0;
  const r = rng.next() * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] ?? 0) > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function makeUsers(rng: Rng, count: number): User[] {
  const users: User[] = [];
  const domains = ['northwind', 'contoso', 'fabrikam', 'litware', 'adatum', 'proseware', 'woodgrove', 'tailspin', 'gmail', 'outlook'];
  for (let i = 1; i <= count; i++) {
    const segment = rng.weighted<Segment>([['free', 0.6], ['pro', 0.3], ['enterprise', 0.1]]);
    const segFactor = segment === 'free' ? 0.8 : segment === 'pro' ? 1.2 : 1.6;
    const first = firstName(rng);
    const last = lastName(rng);
    const domain = segment === 'free' ? rng.pick(domains.slice(-2)) : rng.pick(domains.slice(0, -2));
    users.push({
      id: `u${String(i).padStart(4, '0')}`,
      segment,
      activity: rng.lognormal(1, 0.9) * segFactor,
      primary: rng.weighted(FEATURE_NAMES.map((f) => [f, FEATURES[f].sessionWeight] as [Feature, number])),
      lang: rng.weighted<Lang>([['en', 0.98], ['de', 0.008], ['fr', 0.007], ['es', 0.005]]),
      rolloutBucket: rng.next(),
      first,
      last,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${String(i % 97)}@${domain}.example`,
    });
  }
  return users;
}

function planOf(segment: Segment): string {
  return segment === 'free' ? 'Free' : segment === 'pro' ? 'Pro' : 'Enterprise';
}

/** Fraction of users on the new gpt-4o-mini version at time t (linear ramp over the rollout window). */
function rolloutFraction(tl: Timeline, t: number): number {
  const [a, b] = tl.rollout;
  if (t < a) return 0;
  if (t >= b) return 1;
  return (t - a) / (b - a);
}

/**
 * Fills tokens, latency and cost of an ok request from its text, model and time.
 * Latency = time to first token (log-normal per feature, plus prompt processing) + decoding time per output
 * token; 3% of requests queue (x1.8-3.5); summarize on the new version is 1.6x slower end to end.
 */
function finishOk(rng: Rng, r: Req, historyTokens: number): void {
  const rec = r.rec;
  const spec = FEATURES[rec.feature];
  const retrieval = rec.feature === 'search-answer' ? Math.round(rng.uniform(700, 1100)) : 0;
  const prompt = spec.systemTokens + Math.ceil(rec.input.length / 4) + historyTokens + retrieval;
  const completion = Math.max(1, Math.ceil((rec.output ?? '').length / 4));
  let ttft = rng.lognormal(spec.ttftMedianMs, 0.35) + 0.04 * prompt + (retrieval > 0 ? rng.lognormal(250, 0.3) : 0);
  let decode = completion * spec.msPerToken * rng.lognormal(1, 0.15);
  if (rng.chance(0.03)) {
    const q = rng.uniform(1.8, 3.5);
    ttft *= q;
    decode *= q;
  }
  if (rec.feature === 'summarize' && rec.model_version === MINI_NEW) {
    ttft *= SUMMARIZE_V2_SLOWDOWN;
    decode *= SUMMARIZE_V2_SLOWDOWN;
  }
  rec.ttft_ms = Math.round(ttft);
  rec.latency_ms = Math.round(ttft + decode);
  rec.prompt_tokens = prompt;
  rec.completion_tokens = completion;
  const price = PRICES[rec.model];
  if (!price) throw new Error(`no price for model ${rec.model}`);
  rec.cost_usd = Math.round(((prompt * price.input + completion * price.output) / 1e6) * 1e8) / 1e8;
}

function finishError(rng: Rng, r: Req, message: string): void {
  const rec = r.rec;
  r.markdown = false;
  rec.status = 'error';
  rec.error = message;
  rec.output = null;
  rec.ttft_ms = null;
  rec.prompt_tokens = null;
  rec.completion_tokens = null;
  rec.cost_usd = 0;
  if (message.startsWith('Request timed out')) rec.latency_ms = 30000 + rng.int(0, 60);
  else if (message.startsWith('429') || message.startsWith('400')) rec.latency_ms = rng.int(25, 160);
  else rec.latency_ms = Math.round(rng.lognormal(message === SPIKE_ERROR ? 1200 : 400, 0.4));
}

function pickTurns(rng: Rng, spec: FeatureSpec): number {
  return rng.weighted(spec.turns);
}

/** Generates all sessions and requests, sorted by timestamp. */
function generateRequests(seed: number, opts: GenerateOptions, tl: Timeline, users: User[]): { requests: Req[]; sessions: Session[] } {
  const traffic = Rng.stream(seed, 'traffic');
  const text = Rng.stream(seed, 'text');
  const outcome = Rng.stream(seed, 'outcome');
  const perf = Rng.stream(seed, 'latency');
  const ids = Rng.stream(seed, 'ids');
  const userCum = cumulative(users.map((u) => u.activity));
  const hourCum = cumulative(DAY_WEIGHTS.flatMap((d) => HOUR_WEIGHTS.map((h) => d * h)));
  const usedIds = new Set<string>();
  const newId = (prefix: string, len: number): string => {
    for (;;) {
      const id = `${prefix}${ids.id(len)}`;
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };

  const sessions: Session[] = [];
  const requests: Req[] = [];
  for (let wk = 0; wk < opts.weeks; wk++) {
    const weekStart = tl.start + wk * WEEK;
    const growth = opts.weeks > 1 ? 1 + 0.02 * (wk - (opts.weeks - 1) / 2) : 1;
    const target = Math.round(opts.requestsPerWeek * growth);
    let made = 0;
    while (made < target) {
      const user = users[drawIndex(traffic, userCum)] as User;
      const feature = traffic.chance(0.45) ? user.primary : traffic.weighted(FEATURE_NAMES.map((f) => [f, FEATURES[f].sessionWeight] as [Feature, number]));
      const spec = FEATURES[feature];
      const hourSlot = drawIndex(traffic, hourCum);
      let t = weekStart + hourSlot * HOUR + Math.floor(traffic.next() * HOUR);
      const inDrift = feature === 'support-chat' && t >= tl.drift[0] && t < tl.drift[1];
      const lang: Lang = inDrift ? outcome.weighted(DRIFT_LANGS) : user.lang;
      const session: Session = { id: newId('sess_', 10), user, feature, lang, requests: [] };
      const turns = Math.min(pickTurns(traffic, spec), target - made);
      const topic: SupportTopic | null = feature === 'support-chat' ? pickSupportTopic(text, lang) : null;
      const thread: EmailThread | null = feature === 'email-draft' ? newEmailThread(text) : null;
      let history = 0;
      for (let turn = 0; turn < turns && t < tl.end; turn++) {
        const version = spec.model === MODEL_MINI ? (user.rolloutBucket < rolloutFraction(tl, t) ? MINI_NEW : MINI_OLD) : EMAIL_VERSION;
        const driftNow = feature === 'support-chat' && t >= tl.drift[0] && t < tl.drift[1];
        const poorRate = driftNow ? (lang === 'en' ? DRIFT_POOR_EN : DRIFT_POOR_NON_EN) : spec.poorRate;
        const quality: Quality = outcome.chance(poorRate) ? 'poor' : 'good';
        const ctx: TextContext = { rng: text, lang, plan: planOf(user.segment), quality };
        let pair: TextPair;
        let markdown = false;
        if (feature === 'support-chat') pair = supportTurn(ctx, topic as SupportTopic, turn);
        else if (feature === 'summarize') {
          const s = summarizeTurn(ctx, turn);
          pair = s;
          markdown = s.markdown;
        } else if (feature === 'search-answer') pair = searchTurn(ctx);
        else pair = emailTurn(ctx, thread as EmailThread, turn, `${user.first} ${user.last}`);
        let input = pair.input;
        if (driftNow) input += driftContextBlock(text, lang, ctx.plan, Math.round(input.length * text.uniform(DRIFT_BLOCK[0], DRIFT_BLOCK[1])));
        const rec: SampleRequest = {
          request_id: newId('req_', 16),
          timestamp: iso(t),
          user_id: user.id,
          session_id: session.id,
          segment: user.segment,
          model: spec.model,
          model_version: version,
          feature,
          input,
          output: pair.output,
          latency_ms: 0,
          ttft_ms: null,
          prompt_tokens: null,
          completion_tokens: null,
          status: 'ok',
          error: null,
          lang,
        };
        const r: Req = { rec, t, session, quality, spike: false, markdown };
        const inSpike = feature === 'search-answer' && t >= tl.spike[0] && t < tl.spike[1];
        if (inSpike && outcome.chance(SPIKE_ERROR_RATE)) {
          // Inside the window the spike replaces the background error rate; 90% of its errors are the
          // retrieval outage, the rest keep the usual mix.
          r.spike = true;
          finishError(perf, r, outcome.chance(0.9) ? SPIKE_ERROR : fill(outcome, outcome.weighted(BASE_ERRORS), { model: spec.model }));
        } else if (!inSpike && outcome.chance(spec.errorRate)) {
          finishError(perf, r, fill(outcome, outcome.weighted(BASE_ERRORS), { model: spec.model }));
        } else {
          finishOk(perf, r, history);
          // Chat turns carry the conversation so far in the prompt.
          if (feature === 'support-chat') history += Math.ceil(input.length / 4) + (rec.completion_tokens ?? 0);
        }
        session.requests.push(r);
        requests.push(r);
        made++;
        t += rec.latency_ms + Math.round(traffic.lognormal(70_000, 0.8));
      }
      if (session.requests.length > 0) sessions.push(session);
    }
  }
  requests.sort((a, b) => a.t - b.t);
  return { requests, sessions };
}

/** Injects the HTML-injection and very-long-output edge cases into chosen ok requests. */
function injectEdgeCases(seed: number, tl: Timeline, requests: Req[]): SampleManifest['edge_cases'] {
  const rng = Rng.stream(seed, 'edge');
  const used = new Set<Req>();
  const firstOk = (feature: Feature, at: number): Req | undefined =>
    requests.find((r) => r.t >= at && r.rec.feature === feature && r.rec.status === 'ok' && !used.has(r));
  const html: string[] = [];
  const long: string[] = [];
  const apply = (r: Req | undefined, input: string, output: string, bucket: string[]): void => {
    if (!r) return;
    used.add(r);
    r.rec.input = input;
    r.rec.output = output;
    r.quality = 'good';
    r.markdown = output.includes('\n## ');
    finishOk(rng, r, 0);
    bucket.push(r.rec.request_id);
  };
  const w = tl.lastWeekStart;
  apply(firstOk('support-chat', w + DAY + 9 * HOUR),
    'Our embedded chat widget shows the raw text <script>alert(1)</script> above the greeting instead of our welcome message. Is this a security issue?',
    'Thanks for reporting this. The widget is showing the snippet <script>alert(1)</script> as plain text, which means it was escaped and no code ran.\n\n1. Open **Settings > Chat widget** and check the **Greeting message** field for pasted HTML.\n2. Remove the snippet and click **Save**.\n\nThat field accepts plain text only, so scripts are never executed.', html);
  apply(firstOk('email-draft', w + 2 * DAY + 11 * HOUR),
    'Write a short email to Ben at Litware Labs explaining that HTML in email signatures is stripped. Quote his example <img src=x onerror=alert(1)> so he sees what was removed.',
    'Subject: HTML in email signatures\n\nHi Ben,\n\nThanks for your message. For security reasons, Brightdesk removes HTML from signatures before sending. In your case the tag <img src=x onerror=alert(1)> was removed, so recipients only see the text part of your signature.\n\nIf you want a logo in your signature, upload it under **Settings > Email > Branding**.\n\nBest regards,\nMaya Okafor\nBrightdesk Customer Success', html);
  apply(firstOk('summarize', w - WEEK + 3 * DAY + 15 * HOUR),
    'Summarize this page a customer pasted into a ticket:\n\n<html><body><h1>Order status</h1><script>alert(1)</script><p>Your order ships on Monday.</p><img src=x onerror=alert(1)></body></html>',
    '- The page says the order ships on Monday.\n- It also contains an inline script <script>alert(1)</script> and an image tag <img src=x onerror=alert(1)>, which look like a test of HTML injection and should not be rendered.', html);
  const longSpecs: [number, number][] = [
    [w - 2 * WEEK + 4 * DAY + 9 * HOUR, 22_000],
    [w - WEEK + DAY + 13 * HOUR, 35_000],
    [w + 10 * HOUR, 48_000],
    [w + 3 * DAY + 16 * HOUR, 60_000],
  ];
  for (const [at, chars] of longSpecs) {
    const target = firstOk('summarize', at);
    if (!target) continue;
    apply(target, `Write a detailed analysis of everything in this document, section by section, with owners and due dates.\n\n${target.rec.input}`, longReport(rng, chars), long);
  }
  return { html_injection_request_ids: html, long_output_request_ids: long, markdown_outputs: requests.filter((r) => r.markdown).length };
}

function bucketNps(v: number): 'promoter' | 'passive' | 'detractor' {
  return v >= 9 ? 'promoter' : v >= 7 ? 'passive' : 'detractor';
}

/** Thumbs, CSAT, NPS and free comments; sorted by timestamp. */
function generateFeedback(seed: number, tl: Timeline, requests: Req[], sessions: Session[], users: User[]): SampleFeedback[] {
  const rng = Rng.stream(seed, 'feedback');
  const ids = Rng.stream(seed, 'feedback-ids');
  const out: { t: number; fb: SampleFeedback }[] = [];
  const add = (t: number, fb: Omit<SampleFeedback, 'feedback_id' | 'timestamp'>): void => {
    if (t >= tl.end) return; // the export ends with the last week
    out.push({ t, fb: { feedback_id: `fb_${ids.id(12)}`, timestamp: iso(t), ...fb } });
  };

  for (const r of requests) {
    const err = r.rec.status === 'error';
    const pThumb = err ? 0.15 : r.quality === 'poor' ? 0.16 : 0.07;
    if (!rng.chance(pThumb)) continue;
    const pDown = err ? 0.92 : r.quality === 'poor' ? 0.7 : 0.08;
    const down = rng.chance(pDown);
    const t = r.t + r.rec.latency_ms + Math.round(rng.uniform(3_000, 600_000));
    let comment: string | undefined;
    if (down && rng.chance(0.35)) {
      comment = r.rec.lang !== 'en' && r.quality === 'poor'
        ? rng.pick(LANG_MISMATCH_COMMENTS[r.rec.lang])
        : err ? `Got an error: ${r.rec.error ?? ''}` : rng.pick(THUMB_DOWN_COMMENTS[r.rec.feature] ?? []);
    } else if (!down && rng.chance(0.08)) comment = rng.pick(THUMB_UP_COMMENTS);
    add(t, { type: 'thumb', request_id: r.rec.request_id, session_id: r.session.id, user_id: r.session.user.id, value: down ? 'down' : 'up', ...(comment !== undefined ? { comment } : {}) });
  }

  for (const s of sessions) {
    const lastReq = s.requests[s.requests.length - 1] as Req;
    const endT = lastReq.t + lastReq.rec.latency_ms;
    const bad = s.requests.some((r) => r.quality === 'poor' || r.rec.status === 'error');
    if (rng.chance(s.feature === 'support-chat' ? 0.18 : 0.05)) {
      const value = bad
        ? rng.weighted<number>([[1, 0.3], [2, 0.3], [3, 0.2], [4, 0.15], [5, 0.05]])
        : rng.weighted<number>([[1, 0.03], [2, 0.05], [3, 0.12], [4, 0.35], [5, 0.45]]);
      add(endT + Math.round(rng.uniform(60_000, 1_800_000)), { type: 'csat', session_id: s.id, user_id: s.user.id, value });
    }
    if (rng.chance(0.012)) {
      add(endT + Math.round(rng.uniform(10_000, 300_000)), { type: 'comment', request_id: lastReq.rec.request_id, session_id: s.id, user_id: s.user.id, comment: rng.pick(FREE_COMMENTS) });
    }
  }

  for (const wave of tl.npsWaves) {
    if (wave < tl.start || wave >= tl.end) continue;
    for (const u of users) {
      if (!rng.chance(0.3)) continue;
      const mix: [string, number][] = u.segment === 'free' ? [['p', 0.35], ['n', 0.35], ['d', 0.3]] : u.segment === 'pro' ? [['p', 0.45], ['n', 0.35], ['d', 0.2]] : [['p', 0.55], ['n', 0.3], ['d', 0.15]];
      const b = rng.weighted(mix);
      const value = b === 'p' ? rng.int(9, 10) : b === 'n' ? rng.int(7, 8) : rng.weighted<number>([[0, 0.05], [1, 0.03], [2, 0.05], [3, 0.1], [4, 0.12], [5, 0.25], [6, 0.4]]);
      const comment = rng.chance(0.4) ? rng.pick(NPS_COMMENTS[bucketNps(value)]) : undefined;
      add(wave + Math.round(rng.uniform(0, 3 * DAY)), { type: 'nps', user_id: u.id, value, ...(comment !== undefined ? { comment } : {}) });
    }
  }
  out.sort((a, b) => a.t - b.t);
  return out.map((x) => x.fb);
}

const TICKET_HEADER = ['Ticket ID', 'Requester', 'Requester Email', 'Subject', 'Description', 'Status', 'Priority', 'Channel', 'Tags', 'Created at', 'Updated at', 'Solved at', 'Satisfaction Score', 'Request ID'] as const;

interface TicketRow {
  t: number;
  cells: string[];
  req: Req;
  withId: boolean;
  solved: boolean;
}

function excerpt(s: string | null, n: number): string {
  const flat = (s ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
}

/**
 * Zendesk-like tickets raised after requests. Errors, poor answers and wrong-language answers raise tickets
 * far more often than good answers (~1 ticket per 150 requests overall). Created 2 min to 46 h after the
 * request, so linking by user within 48 h before the ticket finds it.
 */
function generateTickets(seed: number, tl: Timeline, requests: Req[]): TicketRow[] {
  const rng = Rng.stream(seed, 'tickets');
  const rows: Omit<TicketRow, 'cells'>[] = [];
  const causes = new Map<Req, string>();
  for (const r of requests) {
    const err = r.rec.status === 'error';
    const slow = r.rec.feature === 'summarize' && r.rec.status === 'ok' && r.rec.latency_ms > 4000;
    const lang = r.rec.lang !== 'en' && r.quality === 'poor';
    const p = r.spike ? 0.25 : err ? 0.08 : lang ? 0.05 : r.quality === 'poor' ? 0.02 : slow ? 0.015 : 0.0033;
    if (!rng.chance(p)) continue;
    const delay = Math.min(rng.lognormal(40 * 60_000, 1.2), 46 * HOUR) + 2 * 60_000;
    const t = r.t + r.rec.latency_ms + Math.round(delay);
    if (t >= tl.end) continue;
    causes.set(r, r.spike ? 'error-spike' : err ? 'error' : lang ? 'lang' : r.quality === 'poor' ? 'poor' : slow ? 'slow' : 'other');
    rows.push({ t, req: r, withId: false, solved: false });
  }
  rows.sort((a, b) => a.t - b.t);
  const languageName: Record<Lang, string> = { en: 'English', de: 'German', fr: 'French', es: 'Spanish' };
  return rows.map((row, i) => {
    const r = row.req;
    const u = r.session.user;
    const cause = causes.get(r) ?? 'other';
    const when = new Date(r.t).toISOString().slice(11, 16);
    const other = rng.pick(OTHER_TICKETS);
    const subjectPool = cause === 'poor' ? POOR_SUBJECTS[r.rec.feature] : cause === 'other' ? [other[0]] : TICKET_SUBJECTS[cause];
    const otherSlots = { integration: fill(rng, '{integration}') };
    const subject = fill(rng, rng.pick(subjectPool ?? []), { error: excerpt(r.rec.error, 40), feature_label: FEATURE_LABELS[r.rec.feature], language: languageName[r.rec.lang], ...otherSlots });
    let description: string;
    switch (cause) {
      case 'error':
      case 'error-spike':
        description = `Hi,\n\nI tried to use ${FEATURE_LABELS[r.rec.feature]} at about ${when} UTC and got this error:\n"${r.rec.error ?? ''}"\n\nI retried ${rng.pick(['twice', 'three times', 'a few times'])}, same result. ${cause === 'error-spike' ? 'My colleagues see it too, so it is not just me.' : 'Can you check?'}\n\nThanks,\n${u.first}`;
        break;
      case 'lang':
        description = r.rec.lang === 'de'
          ? `Hallo,\nich habe dem Assistenten auf Deutsch geschrieben: "${excerpt(r.rec.input, 90)}"\nDie Antwort kam auf Englisch, das hilft unseren Kunden nicht.\nViele Grüße, ${u.first} ${u.last}`
          : r.rec.lang === 'fr'
            ? `Bonjour,\nj'ai écrit à l'assistant en français : "${excerpt(r.rec.input, 90)}"\nLa réponse est arrivée en anglais, ce qui ne nous aide pas.\nCordialement, ${u.first} ${u.last}`
            : `Hola,\nescribí al asistente en español: "${excerpt(r.rec.input, 90)}"\nLa respuesta llegó en inglés, y eso no nos sirve.\nSaludos, ${u.first} ${u.last}`;
        break;
      case 'poor':
        description = `Hello,\nthe assistant told me: "${excerpt(r.rec.output, 140)}"\nThat's wrong, isn't it? My question was: "${excerpt(r.rec.input, 100)}".\nRegards, ${u.first} ${u.last}`;
        break;
      case 'slow':
        description = `Hi team,\nsummaries now take ${String(Math.round(r.rec.latency_ms / 1000))} seconds or more, e.g. at ${when} UTC today. Last month it was 2-3 seconds, which matters for our agents, who summarize dozens of tickets a day.\nIs this a known issue?\n${u.first}`;
        break;
      default:
        description = `${fill(rng, other[1], otherSlots)}\n\nThanks,\n${u.first}`;
    }
    const resolveH = rng.lognormal(26, 1.1);
    const solvedAt = row.t + Math.round(resolveH * HOUR);
    const solved = solvedAt < tl.end;
    let status: string;
    let updated: number;
    if (solved) {
      const closed = solvedAt + 4 * DAY < tl.end;
      status = closed ? 'closed' : 'solved';
      updated = closed ? solvedAt + 4 * DAY : solvedAt;
    } else if (tl.end - row.t < 6 * HOUR && rng.chance(0.5)) {
      status = 'new';
      updated = row.t;
    } else {
      status = rng.chance(0.4) ? 'pending' : 'open';
      updated = row.t + Math.round(rng.uniform(0.1, 0.9) * (tl.end - row.t));
    }
    const bad = cause !== 'other';
    const score = solved && rng.chance(0.65)
      ? String(bad ? rng.weighted<number>([[1, 0.25], [2, 0.3], [3, 0.25], [4, 0.15], [5, 0.05]]) : rng.weighted<number>([[2, 0.05], [3, 0.15], [4, 0.35], [5, 0.45]]))
      : '';
    const priority = cause === 'error-spike' ? rng.weighted<string>([['urgent', 0.5], ['high', 0.5]])
      : cause === 'error' ? rng.weighted<string>([['high', 0.6], ['normal', 0.4]])
        : cause === 'other' ? rng.weighted<string>([['low', 0.4], ['normal', 0.6]])
          : u.segment === 'enterprise' ? 'high' : 'normal';
    const channel = rng.weighted<string>([['email', 0.45], ['web', 0.3], ['chat', 0.2], ['api', 0.05]]);
    const causeTag: Record<string, string> = { error: 'ai_error', 'error-spike': 'ai_error outage', lang: 'wrong_language', poor: 'wrong_answer', slow: 'latency', other: 'general' };
    const tags = (cause === 'other' ? ['general', u.segment] : ['ai-assistant', r.rec.feature, causeTag[cause] ?? 'general', u.segment]).join(' ');
    const withId = rng.chance(TICKET_REQUEST_ID_RATE);
    const cells = [
      String(40001 + i), u.id, u.email, subject, description, status, priority, channel, tags,
      zendeskTime(row.t), zendeskTime(updated), solved ? zendeskTime(solvedAt) : '', score, withId ? r.rec.request_id : '',
    ];
    return { ...row, cells, withId, solved };
  });
}

/** What {@link injectMonitoringEvents} changed, for the manifest. */
interface MonitoringEvents { incidentIds: string[]; spikeUser: string | null; spikeIds: string[]; flipped: number }

/**
 * The three monitoring events, applied after feedback and tickets exist so that nothing else changes: each draws
 * from its own PRNG stream and touches only its own rows (every other line of the files stays byte-identical, and
 * no count changes).
 * - Latency incident (W-9, Thursday 08:00-14:00 UTC): support-chat's conversation-history lookup slows down; the
 *   time to first token of every ok support-chat request in the window is ×12-16 (latency grows by the same amount).
 * - Cost spike (W-3, Tuesday): the user with the most email-draft requests that day sends them through an
 *   integration that attaches a whole mailbox export: 90,000-125,000 prompt tokens each on gpt-4o.
 * - Feedback surge (W-1): a summarize prompt change drops action items; 70% of the thumbs-up on
 *   summarize requests of the window turn into thumbs-down (some with a complaint instead of praise).
 */
function injectMonitoringEvents(seed: number, tl: Timeline, requests: Req[], feedback: SampleFeedback[]): MonitoringEvents {
  const inc = Rng.stream(seed, 'latency-incident');
  const incidentIds: string[] = [];
  for (const r of requests) {
    if (r.rec.feature !== 'support-chat' || r.rec.status !== 'ok' || r.t < tl.latencyIncident[0] || r.t >= tl.latencyIncident[1]) continue;
    const ttft = r.rec.ttft_ms as number;
    const slower = Math.round(ttft * inc.uniform(INCIDENT_TTFT[0], INCIDENT_TTFT[1]));
    r.rec.latency_ms += slower - ttft;
    r.rec.ttft_ms = slower;
    incidentIds.push(r.rec.request_id);
  }

  const cost = Rng.stream(seed, 'cost-spike');
  const day = requests.filter((r) => r.rec.feature === 'email-draft' && r.rec.status === 'ok' && r.t >= tl.costSpike[0] && r.t < tl.costSpike[1]);
  const perUser = new Map<string, number>();
  for (const r of day) perUser.set(r.rec.user_id, (perUser.get(r.rec.user_id) ?? 0) + 1);
  const spikeUser = [...perUser].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  const spikeIds: string[] = [];
  for (const r of day) {
    if (r.rec.user_id !== spikeUser) continue;
    const price = PRICES[r.rec.model] as { input: number; output: number };
    r.rec.prompt_tokens = cost.int(SPIKE_PROMPT_TOKENS[0], SPIKE_PROMPT_TOKENS[1]);
    r.rec.cost_usd = Math.round(((r.rec.prompt_tokens * price.input + (r.rec.completion_tokens as number) * price.output) / 1e6) * 1e8) / 1e8;
    spikeIds.push(r.rec.request_id);
  }

  const surge = Rng.stream(seed, 'feedback-surge');
  const inWindow = new Set(requests.filter((r) => r.rec.feature === 'summarize' && r.t >= tl.feedbackSurge[0] && r.t < tl.feedbackSurge[1]).map((r) => r.rec.request_id));
  let flipped = 0;
  for (const f of feedback) {
    if (f.type !== 'thumb' || f.value !== 'up' || f.request_id === undefined || !inWindow.has(f.request_id)) continue;
    if (!surge.chance(SURGE_FLIP_RATE)) continue;
    f.value = 'down';
    delete f.comment;
    if (surge.chance(0.35)) f.comment = surge.pick(THUMB_DOWN_COMMENTS.summarize ?? []);
    flipped++;
  }
  return { incidentIds, spikeUser, spikeIds, flipped };
}

// ---------------------------------------------------------------------------------------------------
// Measuring the injected effects on the generated records

/** Quantile by linear interpolation at (n-1)p (R type 7, NumPy default), as Loupe uses. NaN for no values. */
function quantile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = values.slice().sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const a = s[lo] as number;
  const b = s[Math.min(lo + 1, s.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

function rate(num: number, den: number): number {
  return den === 0 ? Number.NaN : num / den;
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function measureEvents(tl: Timeline, requests: SampleRequest[], feedback: SampleFeedback[], mon: MonitoringEvents): InjectedEvent[] {
  const ts = new Map<string, number>();
  for (const r of requests) ts.set(r.request_id, Date.parse(r.timestamp));
  const at = (r: SampleRequest): number => ts.get(r.request_id) as number;
  const weekOfT = (t: number): string => isoWeekOf(t);
  const events: InjectedEvent[] = [];
  const inRange = (a: number): boolean => a >= tl.start && a < tl.end;

  // Error spike
  if (inRange(tl.spike[0])) {
    const week = weekOfT(tl.spike[0]);
    const sa = requests.filter((r) => r.feature === 'search-answer');
    const inWin = sa.filter((r) => at(r) >= tl.spike[0] && at(r) < tl.spike[1]);
    const inWeek = sa.filter((r) => weekOfT(at(r)) === week);
    const other = sa.filter((r) => weekOfT(at(r)) !== week);
    const errs = (xs: SampleRequest[]): number => xs.filter((r) => r.status === 'error').length;
    events.push({
      id: 'error-spike-search-answer', type: 'error_spike', iso_week: week, feature: 'search-answer',
      start: iso(tl.spike[0]), end: iso(tl.spike[1]),
      description: 'Retrieval backend outage: search-answer error rate jumps from ~1.2% to 12% for 48 h (Wed 00:00 - Fri 00:00 UTC); 90% of those errors read "502 Bad Gateway: retrieval service search-idx-eu-2 unavailable".',
      injected: { error_rate_in_window: SPIKE_ERROR_RATE, baseline_error_rate: FEATURES['search-answer'].errorRate, error_message: SPIKE_ERROR },
      observed: {
        requests_in_window: inWin.length, errors_in_window: errs(inWin), error_rate_in_window: round(rate(errs(inWin), inWin.length)),
        error_rate_in_week: round(rate(errs(inWeek), inWeek.length)), error_rate_other_weeks: round(rate(errs(other), other.length)),
      },
    });
  }

  // Model switch and the summarize latency regression
  if (inRange(tl.rollout[0])) {
    const week = weekOfT(tl.rollout[0]);
    const weekStart = tl.rollout[0] - DAY;
    const mini = requests.filter((r) => r.model === MODEL_MINI);
    const observed: Record<string, number> = {};
    for (let d = 0; d < 7; d++) {
      const day = mini.filter((r) => at(r) >= weekStart + d * DAY && at(r) < weekStart + (d + 1) * DAY);
      observed[`share_new_version_${DateTime.fromMillis(weekStart + d * DAY, { zone: 'utc' }).toFormat('ccc').toLowerCase()}`] = round(rate(day.filter((r) => r.model_version === MINI_NEW).length, day.length));
    }
    observed.share_new_version_before_window = round(rate(mini.filter((r) => at(r) < tl.rollout[0] && r.model_version === MINI_NEW).length, mini.filter((r) => at(r) < tl.rollout[0]).length));
    observed.share_new_version_after_window = round(rate(mini.filter((r) => at(r) >= tl.rollout[1] && r.model_version === MINI_NEW).length, mini.filter((r) => at(r) >= tl.rollout[1]).length));
    events.push({
      id: 'model-switch-gpt-4o-mini', type: 'model_switch', iso_week: week, feature: null,
      start: iso(tl.rollout[0]), end: iso(tl.rollout[1]),
      description: `gpt-4o-mini moves from version ${MINI_OLD} to ${MINI_NEW} for support-chat, summarize and search-answer, rolled out to users gradually and linearly over 3 days (Tue 00:00 - Fri 00:00 UTC; a user stays on the new version once switched). email-draft stays on gpt-4o ${EMAIL_VERSION}.`,
      injected: { model: MODEL_MINI, from_version: MINI_OLD, to_version: MINI_NEW, rollout_days: 3 },
      observed,
    });
    const ok = (f: Feature): SampleRequest[] => requests.filter((r) => r.feature === f && r.status === 'ok');
    const sum = ok('summarize');
    const oldV = sum.filter((r) => r.model_version === MINI_OLD).map((r) => r.latency_ms);
    const newV = sum.filter((r) => r.model_version === MINI_NEW).map((r) => r.latency_ms);
    const before = sum.filter((r) => at(r) < weekStart).map((r) => r.latency_ms);
    const after = sum.filter((r) => at(r) >= weekStart + WEEK).map((r) => r.latency_ms);
    const lat: Record<string, number> = {
      p50_latency_ms_old_version: round(quantile(oldV, 0.5), 1), p50_latency_ms_new_version: round(quantile(newV, 0.5), 1),
      p95_latency_ms_old_version: round(quantile(oldV, 0.95), 1), p95_latency_ms_new_version: round(quantile(newV, 0.95), 1),
      p95_ratio_new_over_old: round(quantile(newV, 0.95) / quantile(oldV, 0.95)),
      p95_latency_ms_weeks_before: round(quantile(before, 0.95), 1), p95_latency_ms_weeks_after: round(quantile(after, 0.95), 1),
      p95_ratio_after_over_before: round(quantile(after, 0.95) / quantile(before, 0.95)),
    };
    for (const f of ['support-chat', 'search-answer'] as Feature[]) {
      const xs = ok(f);
      lat[`p95_ratio_new_over_old_${f}`] = round(quantile(xs.filter((r) => r.model_version === MINI_NEW).map((r) => r.latency_ms), 0.95) / quantile(xs.filter((r) => r.model_version === MINI_OLD).map((r) => r.latency_ms), 0.95));
    }
    events.push({
      id: 'latency-regression-summarize', type: 'latency_regression', iso_week: week, feature: 'summarize',
      start: iso(tl.rollout[0]), end: iso(tl.end),
      description: `On gpt-4o-mini ${MINI_NEW}, summarize requests are 1.6x slower end to end (time to first token and decoding both x1.6), so p95 latency rises ~60% from the rollout on. Other features keep their latency.`,
      injected: { latency_multiplier: SUMMARIZE_V2_SLOWDOWN, ttft_multiplier: SUMMARIZE_V2_SLOWDOWN },
      observed: lat,
    });
  }

  // Input drift and the quality drop it causes
  if (inRange(tl.drift[0])) {
    const week = weekOfT(tl.drift[0]);
    const sc = requests.filter((r) => r.feature === 'support-chat');
    const inW = sc.filter((r) => weekOfT(at(r)) === week);
    const other = sc.filter((r) => weekOfT(at(r)) !== week);
    const meanLen = (xs: SampleRequest[]): number => xs.reduce((s, r) => s + r.input.length, 0) / xs.length;
    const nonEn = (xs: SampleRequest[]): number => rate(xs.filter((r) => r.lang !== 'en').length, xs.length);
    const langShare = (l: Lang): number => round(rate(inW.filter((r) => r.lang === l).length, inW.length));
    events.push({
      id: 'input-drift-support-chat', type: 'input_drift', iso_week: week, feature: 'support-chat',
      start: iso(tl.drift[0]), end: iso(tl.drift[1]),
      description: 'The help-centre widget ships on the German, French and Spanish help centres and starts attaching page context to every support-chat message: mean input length +80%, and 30% of conversations are non-English (de 12%, fr 10%, es 8%) versus ~3% otherwise.',
      injected: { input_length_multiplier: 1.8, non_english_share: 0.3, de: 0.12, fr: 0.1, es: 0.08, baseline_non_english_share: 0.03 },
      observed: {
        mean_input_chars_week: round(meanLen(inW), 1), mean_input_chars_other_weeks: round(meanLen(other), 1),
        input_chars_ratio: round(meanLen(inW) / meanLen(other)),
        non_english_share_week: round(nonEn(inW)), non_english_share_other_weeks: round(nonEn(other)),
        share_de: langShare('de'), share_fr: langShare('fr'), share_es: langShare('es'),
      },
    });
    const scIds = new Set(sc.map((r) => r.request_id));
    const weekIds = new Set(inW.map((r) => r.request_id));
    const thumbs = feedback.filter((f) => f.type === 'thumb' && f.request_id !== undefined && scIds.has(f.request_id));
    const tw = thumbs.filter((f) => weekIds.has(f.request_id as string));
    const to = thumbs.filter((f) => !weekIds.has(f.request_id as string));
    const downs = (xs: SampleFeedback[]): number => xs.filter((f) => f.value === 'down').length;
    events.push({
      id: 'quality-drop-support-chat', type: 'quality_drop', iso_week: week, feature: 'support-chat',
      start: iso(tl.drift[0]), end: iso(tl.drift[1]),
      description: 'During the drift week support-chat answers non-English messages badly (75% poor, mostly answered in English) and long context-laden English messages slightly worse (18% poor vs 9%): the thumbs-down share of support-chat thumbs roughly doubles.',
      injected: { poor_rate_non_english: DRIFT_POOR_NON_EN, poor_rate_english: DRIFT_POOR_EN, baseline_poor_rate: FEATURES['support-chat'].poorRate, expected_thumbs_down_share_week: 0.42, expected_thumbs_down_share_baseline: 0.19 },
      observed: {
        thumbs_week: tw.length, thumbs_down_week: downs(tw), thumbs_down_share_week: round(rate(downs(tw), tw.length)),
        thumbs_down_share_other_weeks: round(rate(downs(to), to.length)),
        thumbs_down_per_100_requests_week: round(100 * rate(downs(tw), inW.length), 2),
        thumbs_down_per_100_requests_other_weeks: round(100 * rate(downs(to), other.length), 2),
      },
    });
  }

  // Latency incident
  if (inRange(tl.latencyIncident[0])) {
    const week = weekOfT(tl.latencyIncident[0]);
    const dayStart = Math.floor(tl.latencyIncident[0] / DAY) * DAY;
    const sc = requests.filter((r) => r.feature === 'support-chat');
    const p95Of = (a: number, b: number): number => quantile(sc.filter((r) => at(r) >= a && at(r) < b).map((r) => r.latency_ms), 0.95);
    const before: number[] = [];
    for (let d = 1; d <= 28; d++) {
      const xs = sc.filter((r) => at(r) >= dayStart - d * DAY && at(r) < dayStart - (d - 1) * DAY);
      if (xs.length >= 50) before.push(quantile(xs.map((r) => r.latency_ms), 0.95));
    }
    const normal = quantile(before, 0.5);
    events.push({
      id: 'latency-incident-support-chat', type: 'latency_incident', iso_week: week, feature: 'support-chat',
      start: iso(tl.latencyIncident[0]), end: iso(tl.latencyIncident[1]),
      description: "support-chat's conversation-history lookup slows down for six hours: time to first token x12-16 on every ok support-chat request (Thu 08:00-14:00 UTC), so the day's p95 latency is several times its normal.",
      injected: { ttft_multiplier_min: INCIDENT_TTFT[0], ttft_multiplier_max: INCIDENT_TTFT[1], requests_slowed: mon.incidentIds.length },
      observed: {
        requests_slowed: mon.incidentIds.length, p95_latency_ms_day: round(p95Of(dayStart, dayStart + DAY), 1),
        normal_p95_latency_ms: round(normal, 1), p95_ratio_day_over_normal: round(p95Of(dayStart, dayStart + DAY) / normal),
      },
    });
  }

  // Cost spike
  if (inRange(tl.costSpike[0]) && mon.spikeUser !== null) {
    const week = weekOfT(tl.costSpike[0]);
    const costOf = (a: number, b: number): number => requests.filter((r) => at(r) >= a && at(r) < b).reduce((s, r) => s + (r.cost_usd ?? 0), 0);
    const sameWeekday = [1, 2, 3, 4].map((k) => costOf(tl.costSpike[0] - k * WEEK, tl.costSpike[1] - k * WEEK));
    const baseline = sameWeekday.reduce((a, b) => a + b, 0) / sameWeekday.length;
    const spikeSet = new Set(mon.spikeIds);
    events.push({
      id: 'cost-spike-email-draft', type: 'cost_spike', iso_week: week, feature: 'email-draft',
      start: iso(tl.costSpike[0]), end: iso(tl.costSpike[1]),
      description: `User ${mon.spikeUser} sends email-draft requests through an integration that attaches a whole mailbox export: 90,000-125,000 prompt tokens each on gpt-4o, so the day's cost is several times the usual.`,
      injected: { user_id: mon.spikeUser, requests: mon.spikeIds.length, prompt_tokens_min: SPIKE_PROMPT_TOKENS[0], prompt_tokens_max: SPIKE_PROMPT_TOKENS[1] },
      observed: {
        requests_changed: mon.spikeIds.length,
        cost_usd_day: round(costOf(tl.costSpike[0], tl.costSpike[1]), 6),
        cost_usd_same_weekday_4_weeks_before: round(baseline, 6),
        cost_usd_of_changed_requests: round(requests.filter((r) => spikeSet.has(r.request_id)).reduce((s, r) => s + (r.cost_usd ?? 0), 0), 6),
      },
    });
  }

  // Feedback surge
  if (inRange(tl.feedbackSurge[0])) {
    const week = weekOfT(tl.feedbackSurge[0]);
    const sum = new Map(requests.filter((r) => r.feature === 'summarize').map((r) => [r.request_id, at(r)]));
    const thumbs = feedback.filter((f) => f.type === 'thumb' && f.request_id !== undefined && sum.has(f.request_id));
    const inWin = thumbs.filter((f) => { const t = sum.get(f.request_id as string) as number; return t >= tl.feedbackSurge[0] && t < tl.feedbackSurge[1]; });
    const rest = thumbs.filter((f) => !inWin.includes(f));
    const downs = (xs: SampleFeedback[]): number => xs.filter((f) => f.value === 'down').length;
    events.push({
      id: 'feedback-surge-summarize', type: 'feedback_surge', iso_week: week, feature: 'summarize',
      start: iso(tl.feedbackSurge[0]), end: iso(tl.feedbackSurge[1]),
      description: 'A summarize prompt change drops the action items from summaries: 70% of the thumbs-up left on summarize requests of the week turn into thumbs-down.',
      injected: { flip_rate: SURGE_FLIP_RATE, thumbs_flipped: mon.flipped },
      observed: {
        thumbs_in_window: inWin.length, thumbs_down_in_window: downs(inWin), thumbs_down_share_in_window: round(rate(downs(inWin), inWin.length)),
        thumbs_down_share_other_weeks: round(rate(downs(rest), rest.length)),
      },
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------
// Public API

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

function requestLine(rec: SampleRequest, withCost: boolean): string {
  // Explicit key order: the files are part of the demo and diff better when stable.
  const o: Record<string, unknown> = {
    request_id: rec.request_id, timestamp: rec.timestamp, user_id: rec.user_id, session_id: rec.session_id, segment: rec.segment,
    model: rec.model, model_version: rec.model_version, feature: rec.feature, input: rec.input, output: rec.output,
    latency_ms: rec.latency_ms, ttft_ms: rec.ttft_ms, prompt_tokens: rec.prompt_tokens, completion_tokens: rec.completion_tokens,
  };
  if (withCost) o.cost_usd = rec.cost_usd;
  o.status = rec.status;
  o.error = rec.error;
  o.lang = rec.lang;
  return JSON.stringify(o);
}

/**
 * Generates the synthetic demo data set and writes requests.jsonl.gz, feedback.jsonl.gz, tickets.csv and
 * manifest.json into `opts.outDir`.
 * @param opts seed, number of ISO weeks ending with `endWeek` (default "2026-W47"), mean requests per week,
 *   output folder
 * @returns the manifest (also written as manifest.json): counts and SHA-256 per file, the injected events with
 *   their parameters and the effects measured on the written records, edge-case request ids, ticket links
 * @throws Error when `endWeek` is not an ISO week, `weeks` < 1 or `requestsPerWeek` < 1, or a file cannot be written
 */
export async function generateSamples(opts: GenerateOptions): Promise<SampleManifest> {
  const endWeek = opts.endWeek ?? '2026-W47';
  if (!Number.isInteger(opts.weeks) || opts.weeks < 1) throw new Error(`generateSamples: weeks must be a positive integer, got ${String(opts.weeks)}`);
  if (!Number.isInteger(opts.requestsPerWeek) || opts.requestsPerWeek < 1) throw new Error(`generateSamples: requestsPerWeek must be a positive integer, got ${String(opts.requestsPerWeek)}`);
  const seed = opts.seed >>> 0;
  const tl = timeline(endWeek, opts.weeks);
  const users = makeUsers(Rng.stream(seed, 'users'), 400);
  const { requests, sessions } = generateRequests(seed, opts, tl, users);
  const edge = injectEdgeCases(seed, tl, requests);
  const feedback = generateFeedback(seed, tl, requests, sessions, users);
  const tickets = generateTickets(seed, tl, requests);
  const monitoring = injectMonitoringEvents(seed, tl, requests, feedback);

  const costRng = Rng.stream(seed, 'cost-missing');
  let withoutCost = 0;
  const reqLines: string[] = [];
  for (const r of requests) {
    const keep = !costRng.chance(COST_MISSING_RATE);
    if (!keep) withoutCost++;
    reqLines.push(requestLine(r.rec, keep));
  }
  const reqBuf = await gzip(Buffer.from(`${reqLines.join('\n')}\n`, 'utf8'), { level: 9 });
  const fbBuf = await gzip(Buffer.from(`${feedback.map((f) => JSON.stringify(f)).join('\n')}\n`, 'utf8'), { level: 9 });
  const csv = Papa.unparse({ fields: [...TICKET_HEADER], data: tickets.map((t) => t.cells) }, { newline: '\r\n', quotes: false });
  const csvBuf = Buffer.from(`${csv}\r\n`, 'utf8');

  await mkdir(opts.outDir, { recursive: true });
  await writeFile(path.join(opts.outDir, 'requests.jsonl.gz'), reqBuf);
  await writeFile(path.join(opts.outDir, 'feedback.jsonl.gz'), fbBuf);
  await writeFile(path.join(opts.outDir, 'tickets.csv'), csvBuf);

  const recs = requests.map((r) => r.rec);
  const byWeek: Record<string, number> = {};
  const isoWeeks: string[] = [];
  for (let k = 0; k < opts.weeks; k++) {
    const w = isoWeekOf(tl.start + k * WEEK);
    isoWeeks.push(w);
    byWeek[w] = 0;
  }
  const byFeature: Record<string, number> = {};
  for (const r of requests) {
    const w = isoWeekOf(r.t);
    byWeek[w] = (byWeek[w] ?? 0) + 1;
    byFeature[r.rec.feature] = (byFeature[r.rec.feature] ?? 0) + 1;
  }
  const fbTypes: Record<string, number> = { thumb: 0, csat: 0, nps: 0, comment: 0 };
  for (const f of feedback) fbTypes[f.type] = (fbTypes[f.type] ?? 0) + 1;

  const manifest: SampleManifest = {
    generator: 'loupe-samples',
    format_version: 1,
    seed,
    weeks: opts.weeks,
    requests_per_week: opts.requestsPerWeek,
    end_week: endWeek,
    start: iso(tl.start),
    end: iso(tl.end),
    iso_weeks: isoWeeks,
    quantile_method: 'linear interpolation at (n-1)p (R type 7)',
    prices_usd_per_million_tokens: PRICES,
    files: {
      'requests.jsonl.gz': { records: requests.length, bytes: reqBuf.length, sha256: sha256(reqBuf) },
      'feedback.jsonl.gz': { records: feedback.length, bytes: fbBuf.length, sha256: sha256(fbBuf) },
      'tickets.csv': { records: tickets.length, bytes: csvBuf.length, sha256: sha256(csvBuf) },
    },
    counts: {
      requests: requests.length,
      requests_by_week: byWeek,
      requests_by_feature: byFeature,
      requests_error: recs.filter((r) => r.status === 'error').length,
      requests_without_cost: withoutCost,
      users: new Set(recs.map((r) => r.user_id)).size,
      sessions: sessions.length,
      feedback_by_type: fbTypes,
      tickets: tickets.length,
      tickets_with_request_id: tickets.filter((t) => t.withId).length,
      tickets_solved: tickets.filter((t) => t.solved).length,
    },
    events: measureEvents(tl, recs, feedback, monitoring),
    edge_cases: edge,
    ticket_links: tickets.map((t, i) => ({ ticket_id: 40001 + i, request_id: t.req.rec.request_id, user_id: t.req.session.user.id, request_id_in_file: t.withId })),
  };
  await writeFile(path.join(opts.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Writes `count` synthetic requests as plain JSONL (same field names as requests.jsonl, about 600 bytes per
 * line) for the import benchmark. Text comes from a pool built once, and lines are written in ~1 MB chunks,
 * so a million rows take a few seconds and memory stays flat.
 * @param filePath output file (overwritten)
 * @param count number of lines, >= 0
 * @param seed PRNG seed; same seed and count give identical bytes
 * @param opts.weeks ISO weeks the requests spread over, from 2026-W36 (default 12; 1 gives one busy week)
 * @returns bytes written
 * @throws Error when count is negative or not an integer, or the file cannot be written
 */
export async function generateBenchRequests(filePath: string, count: number, seed: number, opts: { weeks?: number } = {}): Promise<{ bytes: number }> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`generateBenchRequests: count must be a non-negative integer, got ${String(count)}`);
  const rng = Rng.stream(seed >>> 0, 'bench');
  const users = makeUsers(Rng.stream(seed >>> 0, 'bench-users'), 400);
  const poolRng = Rng.stream(seed >>> 0, 'bench-text');
  const inputs: string[] = [];
  const outputs: string[] = [];
  const fit = (s: string, n: number): string => (s.length > n ? s.slice(0, n) : s);
  for (let i = 0; i < 256; i++) {
    const ctx: TextContext = { rng: poolRng, lang: 'en', plan: 'Pro', quality: poolRng.chance(0.1) ? 'poor' : 'good' };
    const p = i % 2 === 0 ? searchTurn(ctx) : supportTurn(ctx, pickSupportTopic(poolRng, 'en'), 0);
    inputs.push(JSON.stringify(fit(p.input, 110)));
    outputs.push(JSON.stringify(fit(p.output, 150)));
  }
  const start = DateTime.fromISO('2026-W36-1', { zone: 'utc' }).toMillis();
  const step = ((opts.weeks ?? 12) * WEEK) / Math.max(1, count);
  const features = FEATURE_NAMES;
  const handle = await open(filePath, 'w');
  let bytes = 0;
  let chunk: string[] = [];
  let chunkLen = 0;
  try {
    for (let i = 0; i < count; i++) {
      const u = users[Math.floor(rng.next() * users.length)] as User;
      const f = features[i & 3] as Feature;
      const t = Math.floor(start + i * step + rng.next() * step);
      const err = rng.next() < 0.01;
      const inp = inputs[Math.floor(rng.next() * 256)] as string;
      const out = err ? 'null' : (outputs[Math.floor(rng.next() * 256)] as string);
      const pt = 300 + (inp.length >> 2);
      const ct = err ? 0 : out.length >> 2;
      const ttft = 250 + Math.floor(rng.next() * 600);
      const lat = ttft + ct * 11 + Math.floor(rng.next() * 400);
      const model = f === 'email-draft' ? MODEL_EMAIL : MODEL_MINI;
      const version = f === 'email-draft' ? EMAIL_VERSION : t < start + 7 * WEEK ? MINI_OLD : MINI_NEW;
      const cost = i % 5 === 4 ? '' : `"cost_usd":${err ? '0' : ((pt * 0.15 + ct * 0.6) / 1e6).toFixed(8)},`;
      const line = `{"request_id":"req_b${String(i).padStart(9, '0')}","timestamp":"${iso(t)}","user_id":"${u.id}","session_id":"sess_b${String(Math.floor(i / 3)).padStart(9, '0')}","segment":"${u.segment}","model":"${model}","model_version":"${version}","feature":"${f}","input":${inp},"output":${out},"latency_ms":${String(err ? 30000 : lat)},"ttft_ms":${err ? 'null' : String(ttft)},"prompt_tokens":${err ? 'null' : String(pt)},"completion_tokens":${err ? 'null' : String(ct)},${cost}"status":"${err ? 'error' : 'ok'}","error":${err ? '"Request timed out after 30000 ms"' : 'null'},"lang":"en"}\n`;
      chunk.push(line);
      chunkLen += line.length;
      if (chunkLen >= 1 << 20) {
        const buf = Buffer.from(chunk.join(''), 'utf8');
        await handle.write(buf);
        bytes += buf.length;
        chunk = [];
        chunkLen = 0;
      }
    }
    if (chunk.length > 0) {
      const buf = Buffer.from(chunk.join(''), 'utf8');
      await handle.write(buf);
      bytes += buf.length;
    }
  } finally {
    await handle.close();
  }
  return { bytes };
}

// ---------------------------------------------------------------------------------------------------
// CLI: node dist/node/generate-samples.js [--seed 47] [--weeks 12] [--requests-per-week 1500] [--out data/samples]
// The module is also bundled into other entries (bench), so it only runs as a CLI under its own name.

function positiveInt(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: expected a non-negative integer, got "${v}"`);
    return n;
  };
}

const entry = path.basename(process.argv[1] ?? '');
if (entry === 'generate-samples.js' || entry === 'generate.ts') {
  const program = new Command()
    .name('generate-samples')
    .description("Writes Loupe's seeded synthetic demo data (requests, feedback, tickets, manifest).")
    .option('--seed <n>', 'PRNG seed', positiveInt('--seed'), 47)
    .option('--weeks <n>', 'number of ISO weeks', positiveInt('--weeks'), 12)
    .option('--requests-per-week <n>', 'mean requests per week', positiveInt('--requests-per-week'), 1500)
    .option('--end-week <week>', 'last ISO week', '2026-W47')
    .option('--out <dir>', 'output folder', 'data/samples')
    .option('--bench <file>', 'instead, write --count plain-JSONL requests for the benchmark to this file')
    .option('--count <n>', 'rows for --bench', positiveInt('--count'), 1_000_000);
  program.parse();
  const o = program.opts<{ seed: number; weeks: number; requestsPerWeek: number; endWeek: string; out: string; bench?: string; count: number }>();
  const run = async (): Promise<void> => {
    if (o.bench !== undefined) {
      const { bytes } = await generateBenchRequests(o.bench, o.count, o.seed);
      process.stdout.write(`wrote ${String(o.count)} requests, ${String(bytes)} bytes to ${o.bench}\n`);
      return;
    }
    const m = await generateSamples({ seed: o.seed, weeks: o.weeks, requestsPerWeek: o.requestsPerWeek, outDir: o.out, endWeek: o.endWeek });
    for (const [name, f] of Object.entries(m.files)) process.stdout.write(`${name}: ${String(f.records)} records, ${String(f.bytes)} bytes\n`);
  };
  run().catch((e: unknown) => {
    process.stderr.write(`generate-samples: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
