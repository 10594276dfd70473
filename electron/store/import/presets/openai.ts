/**
 * OpenAI shapes: Batch API output lines (`custom_id`, `response.body` = a chat.completion, `error`) and bare
 * chat.completion objects as logged by an application (optionally with the request's `messages`).
 */
import { hasKeys, share, type Preset } from './common';

/** OpenAI Batch API output (one JSONL line per request of the batch). */
export const openaiBatch: Preset = {
  name: 'openai-batch',
  label: 'OpenAI Batch API output',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'custom_id') && (hasKeys(r, 'response') || hasKeys(r, 'error')));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'custom_id',
        ts: { path: 'response.body.created', unit: 's' },
        model: 'response.body.model',
        output: 'response.body.choices.0.message.content',
        tokens_in: 'response.body.usage.prompt_tokens',
        tokens_out: 'response.body.usage.completion_tokens',
        status: 'response.status_code',
        error: ['error.message', 'response.body.error.message', 'error'],
        input: ['body.messages', 'request.messages'],
        tokens_cached_in: 'response.body.usage.prompt_tokens_details.cached_tokens',
        // The Batch API bills half the standard price (https://platform.openai.com/docs/guides/batch); prices read this.
        service_tier: { const: 'batch' },
      },
    },
  },
  notes: ['id: the batch custom_id; the input is not in a Batch output file (import the input file\'s messages separately if needed)'],
};

/** chat.completion objects (OpenAI Chat Completions API responses). */
export const openaiChat: Preset = {
  name: 'openai-chat',
  label: 'OpenAI chat completions',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => r.object === 'chat.completion' || (Array.isArray(r.choices) && typeof r.id === 'string' && r.id.startsWith('chatcmpl')));
  },
  kinds: {
    requests: {
      fields: {
        id: 'id',
        ts: { path: 'created', unit: 's' },
        model: 'model',
        output: 'choices.0.message.content',
        tokens_in: 'usage.prompt_tokens',
        tokens_out: 'usage.completion_tokens',
        status: 'choices.0.finish_reason',
        input: ['messages', 'request.messages', 'prompt'],
        tokens_cached_in: 'usage.prompt_tokens_details.cached_tokens',
        service_tier: 'service_tier',
      },
    },
  },
};
