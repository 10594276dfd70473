/**
 * OpenAI shapes: Batch API output lines and bare chat.completion objects as logged by an application.
 *
 * Batch output (OpenAI API reference, "Batch API": the output file's request output object): `{id, custom_id,
 * response: {status_code, request_id, body}, error}`, where `body` is the endpoint's response: a chat.completion
 * (`/v1/chat/completions`: choices[0].message.content, usage.prompt_tokens / completion_tokens, created in seconds), a
 * Responses API object (`/v1/responses`: output[].content[].text, usage.input_tokens / output_tokens, created_at) or a
 * completion (`/v1/completions`: choices[0].text); `error` is `{code, message}` for a request that failed. Batch
 * requests are billed at Batch prices, so `service_tier` is 'batch'.
 */
import { chatText, first, hasKeys, share, type Preset } from './common';

type Json = Record<string, unknown>;

/**
 * The text of a chat completion choice: its message's content, else its refusal, else its tool calls
 * (`[tool call] name(arguments)`, common.ts toolCallText), else a completion's `text`; null when it has none.
 */
function choiceText(choice: Json): string | null {
  const msg = choice.message as Json | undefined;
  if (msg && typeof msg === 'object') {
    const t = chatText({ role: msg.role ?? 'assistant', ...msg, content: msg.content ?? '' });
    if (t !== '') return t;
  }
  return typeof choice.text === 'string' ? choice.text : null;
}

/** The output text of a Batch response body of any of the three endpoints. */
function batchOutput(r: Json): string | null {
  const body = first(r, 'response.body') as Json | undefined;
  if (!body || typeof body !== 'object') return null;
  const choice = Array.isArray(body.choices) ? (body.choices[0] as Json | undefined) : undefined;
  if (choice) {
    const text = choiceText(choice);
    if (text !== null) return text;
  }
  if (typeof body.output_text === 'string') return body.output_text;
  if (Array.isArray(body.output)) {
    const texts: string[] = [];
    for (const item of body.output as Json[]) {
      if (item?.type !== 'message' || !Array.isArray(item.content)) continue;
      for (const c of item.content as Json[]) if (typeof c?.text === 'string') texts.push(c.text);
    }
    if (texts.length) return texts.join('\n\n');
  }
  return null;
}

/** OpenAI Batch API output (one JSONL line per request of the batch). */
export const openaiBatch: Preset = {
  name: 'openai-batch',
  label: 'OpenAI Batch API output',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'custom_id') && (hasKeys(r, 'response') || hasKeys(r, 'error')) && !hasKeys(r, 'result'));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        // The request output's own id (batch_req_…), unique across batches; custom_id is unique only within one
        // batch ("Batch API" guide: the examples name them request-1, request-2), so it is kept in extra.
        id: 'id',
        ts: [{ path: 'response.body.created', unit: 's' }, { path: 'response.body.created_at', unit: 's' }],
        model: 'response.body.model',
        output: { compute: batchOutput, uses: ['response.body.choices', 'response.body.output', 'response.body.output_text'], describe: 'response.body.choices.0.message.content | response.body.output' },
        tokens_in: ['response.body.usage.prompt_tokens', 'response.body.usage.input_tokens'],
        tokens_out: ['response.body.usage.completion_tokens', 'response.body.usage.output_tokens'],
        status: 'response.status_code',
        error: ['error.message', 'response.body.error.message', 'error'],
        input: ['body.messages', 'request.messages', 'body.input'],
        // Chat Completions: usage.prompt_tokens_details.cached_tokens; Responses: usage.input_tokens_details.cached_tokens.
        tokens_cached_in: ['response.body.usage.prompt_tokens_details.cached_tokens', 'response.body.usage.input_tokens_details.cached_tokens'],
        // The Batch API bills half the standard price (https://platform.openai.com/docs/guides/batch); prices read this.
        service_tier: { const: 'batch' },
      },
    },
  },
  fileLocalId: 'custom_id',
  notes: [
    'id: the request output\'s id (batch_req_…; custom_id, unique only within its batch, is kept with the request\'s other fields); the input is not in a Batch output file (import the input file\'s messages separately if needed)',
    'service_tier: batch (the Batch API bills at batch prices)',
  ],
};

/** chat.completion objects (OpenAI Chat Completions API responses). */
export const openaiChat: Preset = {
  name: 'openai-chat',
  label: 'OpenAI chat completions',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => r.object === 'chat.completion' || r.object === 'chat.completion.chunk' || (Array.isArray(r.choices) && typeof r.id === 'string' && r.id.startsWith('chatcmpl')));
  },
  // A streamed answer arrives as chunks that share the completion's id, each with a piece of the text in
  // choices[].delta (OpenAI API reference, "The chat completion chunk object"). Stored one by one, the last chunk would
  // win with no text; they are skipped and counted instead, so the file says what it holds.
  skip(r) {
    return r.object === 'chat.completion.chunk'
      ? 'chat.completion.chunk (a piece of a streamed answer; log the whole completion, or join the chunks\' choices[].delta.content first)'
      : null;
  },
  kinds: {
    requests: {
      fields: {
        id: 'id',
        ts: { path: 'created', unit: 's' },
        model: 'model',
        output: { compute: (r) => (Array.isArray(r.choices) && r.choices[0] && typeof r.choices[0] === 'object' ? choiceText(r.choices[0] as Json) : null), uses: ['choices'], describe: 'choices.0.message.content | its refusal | its tool calls' },
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
