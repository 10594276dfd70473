/**
 * OpenAssistant (OASST) message trees, one tree per line with nested `replies`. Every assistant reply to a prompter
 * message is a request (id = the assistant message_id, input = the prompter's text, session = the tree). The
 * assistant message's emoji counts `+1` / `-1` become thumbs: ONE FEEDBACK ROW PER VOTE (value +1 or -1, ids
 * `<message_id>:+1:<n>`), so a thumbs-up rate is simply the share of thumb rows with value +1. Other emoji counts
 * (red_flag, _skip_reply...) and the prompter's own emojis stay in the request's `extra`.
 */
import { hasKeys, share, type Preset, type SubRecord } from './common';

type Json = Record<string, unknown>;

function bare(m: Json): Json {
  const { replies: _replies, ...rest } = m;
  return rest;
}

export const oasstTrees: Preset = {
  name: 'oasst-trees',
  label: 'OpenAssistant message trees',
  kind: 'mixed',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'message_id', 'role', 'text') && Array.isArray(r.replies));
  },
  expand(record): SubRecord[] {
    const out: SubRecord[] = [];
    if (!hasKeys(record, 'message_id', 'role')) throw new Error('no message_id/role at the root of the tree');
    const treeId = String(record.message_tree_id ?? record.message_id);
    const walk = (m: Json, depth: number) => {
      const replies = Array.isArray(m.replies) ? (m.replies as Json[]) : [];
      for (const reply of replies) {
        if (m.role === 'prompter' && reply && reply.role === 'assistant') {
          const assistant = bare(reply);
          out.push({ kind: 'requests', record: { tree_id: treeId, depth: depth + 1, prompter: bare(m), assistant } });
          const emojis = (reply.emojis ?? {}) as Json;
          for (const [emoji, value] of [['+1', 1], ['-1', -1]] as const) {
            const n = Number(emojis[emoji] ?? 0);
            for (let i = 1; i <= n; i++) {
              out.push({ kind: 'feedback', record: { id: `${String(reply.message_id)}:${emoji}:${i}`, request_id: reply.message_id, tree_id: treeId, emoji, value } });
            }
          }
        }
        if (reply && typeof reply === 'object') walk(reply, depth + 1);
      }
    };
    walk(record, 0);
    return out;
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'assistant.message_id',
        session_id: 'tree_id',
        ts: ['assistant.created_date', 'prompter.created_date'],
        user_id: 'prompter.user_id',
        model: 'assistant.model_name',
        lang: ['assistant.lang', 'prompter.lang'],
        input: 'prompter.text',
        output: 'assistant.text',
      },
    },
    feedback: {
      autoDetect: false,
      fields: {
        id: 'id', request_id: 'request_id', session_id: 'tree_id', kind: { const: 'thumb' }, value: 'value', label: 'emoji',
        source: { const: 'rater' },
      },
    },
  },
  notes: ['thumbs: one feedback row per +1/-1 vote on an assistant reply (so the thumbs-up rate is the share of +1 rows)'],
};
