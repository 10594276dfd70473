/**
 * LangSmith run exports: JSONL of runs (the SDK's `list_runs`, the UI export) and the bulk export's Parquet files,
 * which carry the same fields ("Run data format": docs.langchain.com/langsmith/run-data-format; bulk export:
 * docs.langchain.com/langsmith/data-export; the `Run` schema in langchain-ai/langsmith-sdk python/langsmith/schemas.py):
 * id, name, run_type (llm | chain | tool | retriever | embedding | prompt | parser), start_time, end_time, inputs,
 * outputs, error, extra (invocation_params, metadata), trace_id, parent_run_id, status, prompt_tokens,
 * completion_tokens, total_tokens, first_token_time, total_cost, feedback_stats. Nested fields may arrive as JSON text
 * (Parquet, CSV) and are parsed.
 *
 * LLM runs are requests; chain, tool, retriever and other runs are not (they wrap or feed the LLM runs) and are
 * skipped and counted. `feedback_stats` (`{key: {n, avg, values}}`) becomes one feedback row per key: on an LLM run it
 * links to that run, on another run (feedback usually sits on the root chain run) to the latest LLM run of its trace.
 * Times without an offset are UTC (LangSmith writes naive UTC `2024-06-07T17:11:53.271000`).
 */
import { chatText, first, hasKeys, jsonish, msBetween, scaleOfScore, share, utcText, type Preset, type SkippedPart, type SubRecord } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

/** A LangChain message as `{role, content}`: serialised (`{lc, id: [..., 'HumanMessage'], kwargs}`), dict or tuple. */
function message(m: unknown): Json | null {
  if (!m || typeof m !== 'object') return null;
  if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string') return { role: m[0], content: m[1] };
  const o = m as Json;
  if (o.kwargs && typeof o.kwargs === 'object') {
    const k = o.kwargs as Json;
    const cls = Array.isArray(o.id) ? String(o.id[o.id.length - 1]) : '';
    const role = typeof k.type === 'string' ? k.type : cls.replace(/Message(Chunk)?$/, '').toLowerCase();
    return { role: role === 'human' ? 'user' : role === 'ai' ? 'assistant' : role, content: k.content, ...(Array.isArray(k.tool_calls) ? { tool_calls: k.tool_calls } : {}) };
  }
  if ('content' in o) return { role: o.role ?? o.type ?? 'user', content: o.content };
  return null;
}

function messages(v: unknown): Json[] | null {
  let list = jsonish(v);
  if (Array.isArray(list) && list.length === 1 && Array.isArray(list[0])) list = list[0]; // [[...]] batches of one
  if (!Array.isArray(list)) return null;
  const out = list.map(message).filter((m): m is Json => m !== null);
  return out.length ? out : null;
}

/** The prompt of an LLM run: chat messages, else the first prompt string, else the inputs as JSON. */
export function runInput(r: Json): string | null {
  const inputs = obj(r.inputs);
  const msgs = messages(inputs.messages);
  if (msgs) return chatText(msgs);
  if (Array.isArray(inputs.prompts) && typeof inputs.prompts[0] === 'string') return inputs.prompts[0];
  for (const k of ['input', 'prompt', 'question', 'query']) if (typeof inputs[k] === 'string') return inputs[k] as string;
  return Object.keys(inputs).length ? JSON.stringify(inputs) : null;
}

/** The completion of an LLM run: the first generation's text or message, an OpenAI-style choice, or the output. */
export function runOutput(r: Json): string | null {
  const outputs = obj(r.outputs);
  const gens = outputs.generations;
  const g = Array.isArray(gens) ? (Array.isArray(gens[0]) ? gens[0][0] : gens[0]) as Json | undefined : undefined;
  if (g && typeof g === 'object') {
    if (typeof g.text === 'string' && g.text !== '') return g.text;
    const m = message(g.message);
    if (m) return chatText(m);
  }
  const choice = Array.isArray(outputs.choices) ? (outputs.choices[0] as Json | undefined) : undefined;
  if (choice && typeof choice === 'object') return chatText((choice.message as Json | undefined)?.content ?? choice.text ?? '');
  const m = message(outputs.output ?? outputs.message);
  if (m) return chatText(m.content);
  for (const k of ['output', 'content', 'text', 'answer']) if (typeof outputs[k] === 'string') return outputs[k] as string;
  return Object.keys(outputs).length ? JSON.stringify(outputs) : null;
}

function tokenUsage(r: Json, which: 'prompt' | 'completion'): unknown {
  const direct = first(r, `${which}_tokens`);
  if (direct !== undefined) return direct;
  const outputs = obj(r.outputs);
  const usage = obj(obj(outputs.llm_output).token_usage);
  if (usage[`${which}_tokens`] !== undefined) return usage[`${which}_tokens`];
  const meta = obj(obj(obj(obj(Array.isArray(outputs.generations) ? (outputs.generations as unknown[]).flat()[0] : undefined).message).kwargs).usage_metadata);
  return meta[which === 'prompt' ? 'input_tokens' : 'output_tokens'];
}

/**
 * Cached input tokens of a run: the run's own `prompt_token_details` (LangSmith Run schema), else LangChain's
 * `usage_metadata.input_token_details` (UsageMetadata: cache_read / cache_creation, a breakdown of input_tokens), else
 * OpenAI's `llm_output.token_usage.prompt_tokens_details.cached_tokens` (reads only). Part of prompt_tokens.
 */
function cacheTokens(r: Json, which: 'cache_read' | 'cache_creation'): unknown {
  const own = obj(r.prompt_token_details)[which];
  if (own !== undefined) return own;
  const outputs = obj(r.outputs);
  const meta = obj(obj(obj(obj(Array.isArray(outputs.generations) ? (outputs.generations as unknown[]).flat()[0] : undefined).message).kwargs).usage_metadata);
  const details = obj(meta.input_token_details)[which];
  if (details !== undefined) return details;
  return which === 'cache_read' ? obj(obj(obj(outputs.llm_output).token_usage).prompt_tokens_details).cached_tokens : undefined;
}

function metadata(r: Json): Json {
  return obj(obj(r.extra).metadata);
}

/** One feedback sub-record per feedback_stats key of a run. */
function feedbackRows(r: Json, isLlm: boolean): Array<SubRecord | SkippedPart> {
  const stats = obj(r.feedback_stats);
  const out: Array<SubRecord | SkippedPart> = [];
  for (const [key, st] of Object.entries(stats)) {
    const s = obj(st);
    const base = { id: `${String(r.id)}:${key}`, run_id: isLlm ? r.id : null, trace_id: r.trace_id ?? r.id, key, n: s.n ?? null, ts: utcText(first(r, 'end_time', 'start_time')), values: s.values ?? null };
    // `avg` is null when the key has no numeric score, only categorical labels (FeedbackStats: "values is the
    // distribution of categorical feedback labels"): the labels are kept as the row's text, never read as a 0 rating.
    const avg = typeof s.avg === 'number' ? s.avg : typeof s.avg === 'string' && s.avg.trim() !== '' ? Number(s.avg) : Number.NaN;
    if (Number.isFinite(avg)) {
      out.push({ kind: 'feedback', record: { ...base, kind: 'rating', avg, scale: scaleOfScore(avg), text: null } });
      continue;
    }
    const labels = Object.entries(obj(s.values)).filter(([, n]) => typeof n === 'number' && n > 0);
    if (labels.length === 0) { out.push({ skip: 'feedback_stats key with neither an average nor labels' }); continue; }
    out.push({ kind: 'feedback', record: { ...base, kind: 'comment', avg: null, scale: null, text: labels.map(([l, n]) => `${l} ×${n}`).join(', ') } });
  }
  return out;
}

export const langsmith: Preset = {
  name: 'langsmith',
  label: 'LangSmith runs',
  kind: 'mixed',
  unit: 'runs',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'run_type', 'start_time') && (hasKeys(r, 'inputs') || hasKeys(r, 'outputs') || hasKeys(r, 'trace_id')));
  },
  expand(r): Array<SubRecord | SkippedPart> {
    if (typeof r.run_type !== 'string') throw new Error('no run_type');
    const isLlm = r.run_type.toLowerCase() === 'llm';
    const parts: Array<SubRecord | SkippedPart> = isLlm ? [{ kind: 'requests', record: r }] : [{ skip: `${r.run_type} run (not an LLM call)` }];
    return [...parts, ...feedbackRows(r, isLlm)];
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'id',
        trace_id: 'trace_id',
        ts: { compute: (r) => utcText(r.start_time), uses: ['start_time'], describe: 'start_time (UTC)' },
        latency_ms: { compute: (r) => msBetween(r.start_time, r.end_time), uses: ['end_time'], describe: 'end_time − start_time', unit: 'ms' },
        ttft_ms: { compute: (r) => msBetween(r.start_time, r.first_token_time), uses: ['first_token_time'], describe: 'first_token_time − start_time', unit: 'ms' },
        model: { compute: (r) => first(obj(r.extra), 'invocation_params.model', 'invocation_params.model_name', 'metadata.ls_model_name'), uses: [], describe: 'extra.invocation_params.model | extra.metadata.ls_model_name' },
        user_id: { compute: (r) => first(metadata(r), 'user_id', 'userId', 'user'), uses: [], describe: 'extra.metadata.user_id' },
        session_id: { compute: (r) => first(metadata(r), 'session_id', 'thread_id', 'conversation_id'), uses: [], describe: 'extra.metadata.session_id | thread_id | conversation_id' },
        feature: { compute: (r) => first(metadata(r), 'feature', 'app', 'ls_run_name'), uses: [], describe: 'extra.metadata.feature' },
        input: { compute: runInput, uses: ['inputs'], describe: 'inputs.messages | inputs.prompts.0' },
        output: { compute: runOutput, uses: ['outputs'], describe: 'outputs.generations.0.0 | outputs.choices.0' },
        tokens_in: { compute: (r) => tokenUsage(r, 'prompt'), uses: ['prompt_tokens'], describe: 'prompt_tokens' },
        tokens_out: { compute: (r) => tokenUsage(r, 'completion'), uses: ['completion_tokens'], describe: 'completion_tokens' },
        tokens_cached_in: { compute: (r) => cacheTokens(r, 'cache_read'), uses: ['prompt_token_details'], describe: 'prompt_token_details.cache_read | usage_metadata.input_token_details.cache_read' },
        tokens_cache_write_in: { compute: (r) => cacheTokens(r, 'cache_creation'), uses: [], describe: 'prompt_token_details.cache_creation | usage_metadata.input_token_details.cache_creation' },
        cost_usd: 'total_cost',
        status: 'status',
        error: 'error',
      },
    },
    feedback: {
      autoDetect: false,
      fields: {
        id: 'id', request_id: 'run_id', trace_id: 'trace_id', ts: 'ts', kind: 'kind', value: 'avg', scale: 'scale',
        label: 'key', comment: 'text', source: { const: 'langsmith' },
      },
    },
  },
  notes: [
    'LLM runs are requests; chain, tool, retriever and other runs are skipped and counted',
    'latency_ms: end_time − start_time; times without an offset are UTC',
    'feedback_stats: one rating per key (its average, on one scale per key: 1 when its averages in the first records lie from 0 to 1, else 5, 10 or 100); a key with labels and no average (categorical feedback) is kept as its labels and counts, not as a rating; on a non-LLM run it links to the latest LLM run of the trace',
  ],
};
