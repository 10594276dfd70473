/**
 * Vertex AI batch prediction output for Gemini models (cloud.google.com/vertex-ai/generative-ai/docs/multimodal/
 * batch-prediction-from-cloud-storage, "Batch output"): one JSON line per request, `request` as it was sent
 * (`contents[].parts[].text`, `systemInstruction`, `generationConfig`), `response` as the model answered
 * (GenerateContentResponse: `candidates[].content.parts[].text`, `finishReason`, `usageMetadata.promptTokenCount /
 * candidatesTokenCount / thoughtsTokenCount / cachedContentTokenCount`, `modelVersion`, `createTime`, `responseId`),
 * `status` ("" when the request succeeded, else the error's text) and `processed_time`. The BigQuery output has the
 * same columns with `request` and `response` as JSON text (read as JSON).
 *
 * Without this preset a failed line was a success ("Bad Request: …" read as a status, not an error), the successes'
 * empty status made their outcome unknown (error rate 0/1 where 1/5 is right), and the model, prompt and answer were
 * lost (a breaker's finding). Every line is billed at batch prices: `service_tier` is 'batch'.
 */
import { chatText, first, hasKeys, jsonish, share, utcText, type Preset } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

/** The text parts of a Content list (or one Content), joined. */
function partsText(v: unknown): string | null {
  const contents = Array.isArray(v) ? v : v && typeof v === 'object' ? [v] : [];
  const out: string[] = [];
  for (const c of contents) {
    const parts = (c as Json | null)?.parts;
    if (!Array.isArray(parts)) continue;
    for (const p of parts) {
      const t = (p as Json | null)?.text;
      if (typeof t === 'string' && t !== '') out.push(t);
    }
  }
  return out.length ? out.join('\n\n') : null;
}

function inputText(r: Json): string | null {
  const req = obj(r.request);
  const text = partsText(req.contents);
  return text ?? (req.contents !== undefined ? chatText('') : null);
}

function outputText(r: Json): string | null {
  const cands = obj(r.response).candidates;
  return Array.isArray(cands) && cands.length > 0 ? partsText((cands[0] as Json).content) ?? '' : null;
}

/** Output tokens as billed: the answer's tokens and the model's thinking tokens (Gemini bills both as output). */
function tokensOut(r: Json): unknown {
  const u = obj(obj(r.response).usageMetadata);
  if (u.candidatesTokenCount === undefined && u.thoughtsTokenCount === undefined) return undefined;
  return Number(u.candidatesTokenCount ?? 0) + Number(u.thoughtsTokenCount ?? 0);
}

/** The status text when the line failed (non-empty), '' when it succeeded. */
function statusText(r: Json): string {
  return typeof r.status === 'string' ? r.status.trim() : r.status === null || r.status === undefined ? '' : JSON.stringify(r.status);
}

export const vertexBatch: Preset = {
  name: 'vertex-batch',
  label: 'Vertex AI batch prediction output (Gemini)',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'status', 'processed_time') && (first(r, 'request.contents') !== undefined || first(r, 'response.candidates') !== undefined));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'response.responseId',
        ts: { compute: (r) => utcText(first(r, 'response.createTime', 'processed_time')), uses: ['processed_time'], describe: 'response.createTime | processed_time' },
        model: 'response.modelVersion',
        input: { compute: inputText, uses: ['request'], describe: 'request.contents[].parts[].text' },
        output: { compute: outputText, uses: ['response.candidates'], describe: 'response.candidates.0.content.parts[].text' },
        tokens_in: 'response.usageMetadata.promptTokenCount',
        tokens_cached_in: 'response.usageMetadata.cachedContentTokenCount',
        tokens_out: { compute: tokensOut, uses: ['response.usageMetadata'], describe: 'candidatesTokenCount + thoughtsTokenCount' },
        status: { compute: (r) => (statusText(r) === '' ? 'success' : 'error'), uses: ['status'], describe: 'status ("" success, else error)' },
        error: { compute: statusText, uses: [], describe: 'status (the error text of a failed line)' },
        service_tier: { const: 'batch' },
      },
    },
  },
  notes: ['a line whose status is empty succeeded; any other status is its error text', 'service_tier: batch (billed at batch prices); tokens_out counts thinking tokens (billed as output)'],
};
