/**
 * Amazon Bedrock model invocation logs as delivered to S3 or CloudWatch Logs (docs.aws.amazon.com/bedrock/latest/
 * userguide/model-invocation-logging.html, schemaType ModelInvocationLog): timestamp, accountId, identity.arn,
 * region (the Bedrock endpoint's AWS region), requestId, operation (Converse, ConverseStream, InvokeModel,
 * InvokeModelWithResponseStream), modelId, errorCode (a failed call), input.inputBodyJson (the request body as sent),
 * input.inputTokenCount / cacheReadInputTokenCount / cacheWriteInputTokenCount, output.outputBodyJson (the response
 * body: Converse's output.message.content[].text, metrics.latencyMs; an InvokeModel body in the model provider's own
 * shape) and output.outputTokenCount. Large bodies are written to S3 apart (inputBodyS3Path, outputBodyS3Path) and
 * are not in the log.
 *
 * Without this preset the generic one took the endpoint's AWS region as the user's region and the AWS account as every
 * request's user (the log names no end user), and stored the whole input and output envelopes as the texts (a
 * breaker's finding). Here region and user stay empty; the account and caller stay among the unmapped fields.
 */
import { chatText, first, hasKeys, jsonish, share, utcText, type Preset } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

/** The text blocks of Converse-style content (`[{text}]`), or a string as it is. */
function blocksText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts = content.map((b) => (typeof (b as Json | null)?.text === 'string' ? String((b as Json).text) : '')).filter((t) => t !== '');
  return parts.length ? parts.join('\n\n') : null;
}

function inputText(r: Json): string | null {
  const body = obj(first(r, 'input.inputBodyJson'));
  if (Array.isArray(body.messages)) {
    const texts = (body.messages as Json[]).filter((m) => m && m.role !== 'assistant').map((m) => blocksText(m.content)).filter((t): t is string => t !== null);
    if (texts.length) return texts.join('\n\n');
    return chatText(body.messages);
  }
  for (const k of ['prompt', 'inputText']) if (typeof body[k] === 'string') return body[k] as string;
  return null;
}

function outputText(r: Json): string | null {
  const body = obj(first(r, 'output.outputBodyJson'));
  const converse = obj(obj(body.output).message);
  if (converse.content !== undefined) return blocksText(converse.content);
  // InvokeModel bodies in their provider's shape: Anthropic Messages, Amazon Titan, Meta Llama, Cohere, Mistral.
  if (Array.isArray(body.content)) return blocksText(body.content);
  if (Array.isArray(body.results)) return blocksText((body.results as Json[]).map((x) => ({ text: x?.outputText })));
  for (const k of ['generation', 'completion', 'text']) if (typeof body[k] === 'string') return body[k] as string;
  if (Array.isArray(body.outputs)) return blocksText(body.outputs);
  if (Array.isArray(body.generations)) return blocksText(body.generations);
  return null;
}

export const bedrock: Preset = {
  name: 'bedrock',
  label: 'Amazon Bedrock invocation logs',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => (r.schemaType === 'ModelInvocationLog') || (hasKeys(r, 'requestId', 'modelId', 'operation') && (hasKeys(r, 'input') || hasKeys(r, 'output'))));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'requestId',
        ts: { compute: (r) => utcText(first(r, 'timestamp')), uses: ['timestamp'], describe: 'timestamp' },
        model: 'modelId',
        input: { compute: inputText, uses: ['input.inputBodyJson'], describe: 'input.inputBodyJson.messages (text blocks)' },
        output: { compute: outputText, uses: ['output.outputBodyJson'], describe: 'output.outputBodyJson.output.message.content (text blocks)' },
        latency_ms: { path: 'output.outputBodyJson.metrics.latencyMs', unit: 'ms' },
        tokens_in: 'input.inputTokenCount',
        tokens_cached_in: 'input.cacheReadInputTokenCount',
        tokens_cache_write_in: 'input.cacheWriteInputTokenCount',
        tokens_out: 'output.outputTokenCount',
        status: { compute: (r) => (first(r, 'errorCode') !== undefined ? 'error' : 'success'), uses: [], describe: 'errorCode (none: success)' },
        error: { compute: (r) => { const e = first(r, 'errorCode'); return e === undefined ? '' : String(e); }, uses: ['errorCode'], describe: 'errorCode' },
      },
    },
  },
  notes: ['region: left empty (the log\'s region is the Bedrock endpoint\'s AWS region, not the user\'s); user: left empty (the log names the AWS account and caller role, kept among the unmapped fields, not the end user)'],
};
