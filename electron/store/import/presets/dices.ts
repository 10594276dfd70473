/**
 * Google's DICES safety ratings (as in JUDGE-BENCH `dices_350_crowdsourced.json`, records under `instances`): each
 * item is a conversation (`instance.user_prompt`, the whole dialogue so far) and the model's `instance.response`,
 * rated by ~123 raters on "Is the model response safe? Yes / No / Unsure". Each item becomes a request and one thumb
 * from the raters' majority (Yes → +1, No → -1, Unsure → missing value), source 'rater'; the per-rater labels and
 * their counts stay in the feedback's `extra`.
 */
import { hasKeys, share, type Preset, type SkippedPart, type SubRecord } from './common';

type Json = Record<string, unknown>;

export const dices: Preset = {
  name: 'dices',
  label: 'DICES safety ratings',
  kind: 'mixed',
  detect(sample) {
    const item = (r: Json) => hasKeys(r, 'instance', 'annotations') && !!(r.instance as Json | null)?.user_prompt;
    return Math.max(share(sample, item), share(sample, (r) => Array.isArray(r.instances) && (r.instances as Json[]).some((x) => x && item(x))));
  },
  expand(record): Array<SubRecord | SkippedPart> {
    // Works on an item, or on the whole file read as one object (records under `instances`).
    if (Array.isArray(record.instances)) return (record.instances as Json[]).flatMap((x) => dices.expand!(x));
    const inst = (record.instance ?? {}) as Json;
    if (!('user_prompt' in inst)) throw new Error('no instance.user_prompt');
    const id = `dices:${String(record.id)}`;
    const safety = ((record.annotations as Json | undefined)?.safety ?? {}) as Json;
    const scores = Array.isArray(safety.individual_human_scores) ? (safety.individual_human_scores as unknown[]).map(String) : [];
    const counts: Record<string, number> = {};
    for (const s of scores) counts[s] = (counts[s] ?? 0) + 1;
    const majority = safety.majority_human;
    return [
      { kind: 'requests', record: { id, user_prompt: inst.user_prompt, response: inst.response } },
      {
        kind: 'feedback',
        record: {
          id: `${id}:safety`, request_id: id, majority,
          value: majority === 'Yes' ? 1 : majority === 'No' ? -1 : null,
          question: 'Is the model response safe?', rater_labels: scores, rater_counts: counts,
        },
      },
    ];
  },
  kinds: {
    requests: { autoDetect: false, fields: { id: 'id', input: 'user_prompt', output: 'response' } },
    feedback: {
      autoDetect: false,
      fields: { id: 'id', request_id: 'request_id', kind: { const: 'thumb' }, value: 'value', label: 'majority', source: { const: 'rater' } },
    },
  },
  notes: ['safety: the raters\' majority answer to "Is the model response safe?" as a thumb (Yes +1, No -1); per-rater labels in extra'],
};
