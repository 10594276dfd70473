/**
 * llmperf per-request logs (ray-project/llmperf `*_individual_responses.json`): latencies in seconds, token counts,
 * `error_code` (null, or e.g. -100 with `error_msg`) and the generated text in `GEN_TEXT`. There are no ids and no
 * timestamps: rows get a content-hash id so a re-import adds nothing.
 */
import { hasKeys, share, type Preset } from './common';

export const llmperf: Preset = {
  name: 'llmperf',
  label: 'llmperf per-request log',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'end_to_end_latency_s') && (hasKeys(r, 'number_input_tokens') || hasKeys(r, 'ttft_s')));
  },
  kinds: {
    requests: {
      fields: {
        latency_ms: { path: 'end_to_end_latency_s', unit: 's' },
        ttft_ms: { path: 'ttft_s', unit: 's' },
        tokens_in: 'number_input_tokens',
        tokens_out: 'number_output_tokens',
        output: 'GEN_TEXT',
        status: {
          compute: (r) => (r.error_code === null || r.error_code === undefined || r.error_code === '' ? 'ok' : `error ${String(r.error_code)}`),
          uses: ['error_code'],
          describe: 'error_code (null → ok, else "error <code>")',
        },
        error: 'error_msg',
      },
    },
  },
  notes: ['no ids or timestamps in llmperf logs: each row\'s id is a hash of its content (re-importing adds nothing)'],
};
