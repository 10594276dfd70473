/**
 * Anthropic Message Batches results: the JSONL file of `GET /v1/messages/batches/{id}/results` (Anthropic API
 * reference, "Retrieve Message Batch results"; docs.anthropic.com/en/docs/build-with-claude/batch-processing). One line
 * per request: `{custom_id, result: {type, ...}}` where `type` is
 * - `succeeded`: `result.message` is a Message (`id`, `model`, `content` blocks, `stop_reason`,
 *   `usage.input_tokens`, `usage.output_tokens`, `usage.cache_creation_input_tokens`, `usage.cache_read_input_tokens`);
 * - `errored`: `result.error` is an error response (`{type: 'error', error: {type, message}}`);
 * - `expired`: the batch ended (24 h) before the request was processed;
 * - `canceled`: the batch was canceled before the request was processed.
 * Every line is a request billed (when it ran) at Batch prices, so `service_tier` is 'batch' (the price lookup reads
 * it); cache reads and writes are priced at the cached and cache-write rates, scaled by the batch discount. The results hold
 * neither the request's prompt nor its time: input and ts stay empty (the import says how many requests have no time).
 */
import { chatText, hasKeys, share, type Preset } from './common';

type Json = Record<string, unknown>;

function result(r: Json): Json {
  return r.result && typeof r.result === 'object' ? (r.result as Json) : {};
}

/** Text blocks of the Message, joined; tool_use blocks as their JSON. */
function outputText(r: Json): string | null {
  const msg = result(r).message as Json | undefined;
  const content = msg?.content;
  if (!Array.isArray(content)) return null;
  const parts = content.map((b) => {
    const block = (b ?? {}) as Json;
    if (block.type === 'text') return String(block.text ?? '');
    if (block.type === 'thinking' || block.type === 'redacted_thinking') return '';
    return JSON.stringify(block);
  }).filter((t) => t !== '');
  return parts.length ? parts.join('\n\n') : chatText('');
}

function errorText(r: Json): string | null {
  const res = result(r);
  switch (res.type) {
    case 'errored': {
      const e = (res.error ?? {}) as Json;
      const inner = (e.error ?? e) as Json;
      return `${String(inner.type ?? 'error')}: ${String(inner.message ?? '')}`.replace(/: $/, '');
    }
    case 'expired': return 'expired: the batch ended before this request was processed';
    case 'canceled': return 'canceled: the batch was canceled before this request was processed';
    default: return null;
  }
}

export const anthropicBatch: Preset = {
  name: 'anthropic-batch',
  label: 'Anthropic Message Batches results',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'custom_id', 'result') && typeof result(r).type === 'string'
      && ['succeeded', 'errored', 'expired', 'canceled'].includes(String(result(r).type)));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        // The Message's id (msg_…), unique across batches. custom_id is unique only within its batch (the docs' examples
        // name them my-first-request, my-second-request): a result without a Message (errored, expired, canceled)
        // takes it scoped to this file (fileLocalId), so another batch's results with the same names stay apart.
        id: 'result.message.id',
        model: 'result.message.model',
        output: { compute: outputText, uses: ['result.message.content'], describe: 'result.message.content (text blocks)' },
        // Anthropic's input_tokens leaves out cache reads and writes; the mapper adds these two to tokens_in
        // (prices/derive.ts usesAnthropicCacheFields), so tokens_in counts every input token.
        tokens_in: 'result.message.usage.input_tokens',
        tokens_cached_in: 'result.message.usage.cache_read_input_tokens',
        tokens_cache_write_in: 'result.message.usage.cache_creation_input_tokens',
        // The 1-hour part of the writes (usage.cache_creation, Messages API): billed at 2× input, 5-minute ones 1.25×.
        tokens_cache_write_1h_in: 'result.message.usage.cache_creation.ephemeral_1h_input_tokens',
        tokens_out: 'result.message.usage.output_tokens',
        status: 'result.type',
        error: { compute: errorText, uses: ['result.error'], describe: 'result.error (errored), expired, canceled' },
        service_tier: { const: 'batch' },
      },
    },
  },
  fileLocalId: 'custom_id',
  notes: [
    'id: the Message\'s id (msg_…); a result without one (errored, expired, canceled) by its custom_id within this file (custom_id is unique only within a batch)',
    'succeeded, errored, expired and canceled results are all requests; errored, expired and canceled are errors',
    'service_tier: batch (billed at Message Batches prices); the results file holds no prompt and no time',
  ],
};
