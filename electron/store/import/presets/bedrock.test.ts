/**
 * Amazon Bedrock model invocation logs (schemaType ModelInvocationLog, gzip JSON lines as delivered to S3): the
 * endpoint's AWS region is no user region and the AWS account no user (the generic preset stored both), the texts are
 * the messages' text blocks, not the envelopes, and a call with an errorCode is an error.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-bedrock-');

const log = (i: number, o: Record<string, unknown> = {}) => ({
  schemaType: 'ModelInvocationLog', schemaVersion: '1.0', timestamp: `2026-11-19T12:0${i}:00Z`, accountId: '123456789012',
  identity: { arn: 'arn:aws:sts::123456789012:assumed-role/app-role/session' }, region: 'us-east-1', requestId: `req-${i}`, operation: 'Converse',
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  input: { inputContentType: 'application/json', inputBodyJson: { messages: [{ role: 'user', content: [{ text: `Question ${i}` }] }] }, inputTokenCount: 100 },
  output: { outputContentType: 'application/json', outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: `Answer ${i}` }] } }, stopReason: 'end_turn', metrics: { latencyMs: 500 + i } }, outputTokenCount: 20 },
  ...o,
});

describe('Amazon Bedrock invocation logs', () => {
  it('store the texts, tokens and latency, no region or user from the AWS endpoint and account, and errors from errorCode', async () => {
    const ws = await newWorkspace();
    const failed = { ...log(3), errorCode: 'ThrottlingException', output: undefined };
    const gz = zlib.gzipSync(Buffer.from([log(1), log(2), failed].map((l) => JSON.stringify(l)).join('\n') + '\n'));
    const s = await runImport(ws, write('invocations.json.gz', gz), {});
    expect(s).toMatchObject({ preset: 'bedrock', inserted: 3, rejected: 0 });
    expect(ws.db.all('SELECT id, user_id, region, input, output, latency_ms, tokens_in, tokens_out, status, is_error, error FROM requests ORDER BY ts')).toEqual([
      { id: 'req-1', user_id: null, region: null, input: 'Question 1', output: 'Answer 1', latency_ms: 501, tokens_in: 100, tokens_out: 20, status: 'success', is_error: 0, error: '' },
      { id: 'req-2', user_id: null, region: null, input: 'Question 2', output: 'Answer 2', latency_ms: 502, tokens_in: 100, tokens_out: 20, status: 'success', is_error: 0, error: '' },
      { id: 'req-3', user_id: null, region: null, input: 'Question 3', output: null, latency_ms: null, tokens_in: 100, tokens_out: null, status: 'error', is_error: 1, error: 'ThrottlingException' },
    ]);
  });
});
