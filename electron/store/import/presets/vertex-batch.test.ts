/**
 * Vertex AI batch prediction output (Gemini, Cloud Storage JSONL and the BigQuery table's JSON-text columns): an empty
 * status is a success and any other its error, so the error rate counts every line; model, prompt, answer and tokens
 * come from the request and GenerateContentResponse. The generic preset read a failed line as a success and the
 * successes' outcome as unknown (error rate 0/1 where 1/5 is right; a breaker's finding).
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-vertex-');

const ok = (i: number, text: string, answer: string, thoughts?: number) => ({
  status: '', processed_time: `2026-11-18T08:00:0${i}.000+00:00`,
  request: { contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { temperature: 0.2 } },
  response: { candidates: [{ content: { role: 'model', parts: [{ text: answer }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 100 + i, candidatesTokenCount: 10 + i, ...(thoughts ? { thoughtsTokenCount: thoughts } : {}), totalTokenCount: 200 },
    modelVersion: 'gemini-2.0-flash-001', createTime: `2026-11-18T08:00:0${i}.000Z`, responseId: `resp-${i}` },
});
const failed = { status: 'Bad Request: {"error": {"code": 400, "message": "Unsupported MIME type"}}', processed_time: '2026-11-18T08:00:09.000+00:00',
  request: { contents: [{ role: 'user', parts: [{ text: 'Describe this image' }, { fileData: { mimeType: 'image/x', fileUri: 'gs://b/x' } }] }] } };

describe('Vertex AI batch prediction output', () => {
  it('counts a failed line as an error and the successes as successes, with model, texts, tokens and the batch tier', async () => {
    const ws = await newWorkspace();
    const lines = [ok(1, 'Refund policy?', 'Within 30 days.'), ok(2, 'Hello in French', 'Bonjour', 7), failed];
    const s = await runImport(ws, write('predictions.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n'), {});
    expect(s).toMatchObject({ kind: 'requests', preset: 'vertex-batch', inserted: 3, rejected: 0 });
    expect(ws.db.all('SELECT id, model, input, output, tokens_in, tokens_out, status, is_error, error, service_tier FROM requests ORDER BY ts')).toEqual([
      { id: 'resp-1', model: 'gemini-2.0-flash-001', input: 'Refund policy?', output: 'Within 30 days.', tokens_in: 101, tokens_out: 11, status: 'success', is_error: 0, error: '', service_tier: 'batch' },
      { id: 'resp-2', model: 'gemini-2.0-flash-001', input: 'Hello in French', output: 'Bonjour', tokens_in: 102, tokens_out: 19, status: 'success', is_error: 0, error: '', service_tier: 'batch' },
      { id: expect.stringMatching(/^h:/) as unknown as string, model: null, input: 'Describe this image', output: null, tokens_in: null, tokens_out: null, status: 'error', is_error: 1,
        error: 'Bad Request: {"error": {"code": 400, "message": "Unsupported MIME type"}}', service_tier: 'batch' },
    ]);
  });

  it('reads the BigQuery output, whose request and response are JSON text', async () => {
    const ws = await newWorkspace();
    const row = ok(3, 'Haiku?', 'Soft rain');
    const bq = { ...row, request: JSON.stringify(row.request), response: JSON.stringify(row.response) };
    const s = await runImport(ws, write('bq.jsonl', `${JSON.stringify(bq)}\n`), {});
    expect(s).toMatchObject({ preset: 'vertex-batch', inserted: 1 });
    expect(ws.db.get('SELECT id, input, output, status FROM requests')).toEqual({ id: 'resp-3', input: 'Haiku?', output: 'Soft rain', status: 'success' });
  });
});
