/**
 * Anthropic HH-RLHF pairs: `chosen` and `rejected` are whole dialogues (`\n\nHuman: ...\n\nAssistant: ...`) that
 * share their beginning. Each pair becomes two requests of one session (input = the last Human turn, output = the
 * last Assistant turn of each dialogue; the earlier turns are kept in `extra.context`) plus two preference rows:
 * +1 on the chosen reply, -1 on the rejected one (source 'rater'). Ids derive from the pair's content.
 */
import { contentId, share, type Preset, type SubRecord } from './common';

interface Turn { role: 'Human' | 'Assistant'; text: string }

/** Splits an HH-RLHF dialogue into turns. */
export function hhTurns(dialogue: string): Turn[] {
  const out: Turn[] = [];
  const re = /\n\n(Human|Assistant):/g;
  const marks: Array<{ role: Turn['role']; start: number; end: number }> = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(dialogue)) !== null) marks.push({ role: m[1] as Turn['role'], start: m.index, end: re.lastIndex });
  marks.forEach((mk, i) => out.push({ role: mk.role, text: dialogue.slice(mk.end, marks[i + 1]?.start ?? dialogue.length).trim() }));
  return out;
}

function split(dialogue: string): { input: string | null; output: string | null; context: string } {
  const turns = hhTurns(dialogue);
  let a = turns.length - 1;
  while (a >= 0 && turns[a]!.role !== 'Assistant') a--;
  let h = a - 1;
  while (h >= 0 && turns[h]!.role !== 'Human') h--;
  const context = turns.slice(0, Math.max(h, 0)).map((t) => `${t.role}: ${t.text}`).join('\n\n');
  return { input: h >= 0 ? turns[h]!.text : null, output: a >= 0 ? turns[a]!.text : null, context };
}

export const hhRlhf: Preset = {
  name: 'hh-rlhf',
  label: 'HH-RLHF preference pairs',
  kind: 'mixed',
  detect(sample) {
    return share(sample, (r) => typeof r.chosen === 'string' && typeof r.rejected === 'string' && /Human:/.test(r.chosen));
  },
  expand(record): SubRecord[] {
    if (typeof record.chosen !== 'string' || typeof record.rejected !== 'string') throw new Error('chosen and rejected must be dialogue text');
    const session = contentId({ chosen: record.chosen, rejected: record.rejected }, 'hh:').slice(0, 3 + 24);
    const out: SubRecord[] = [];
    for (const [side, value] of [['chosen', 1], ['rejected', -1]] as const) {
      const d = split(record[side] as string);
      const id = `${session}:${side}`;
      out.push({ kind: 'requests', record: { id, session, input: d.input, output: d.output, context: d.context || null, side } });
      out.push({ kind: 'feedback', record: { id: `${id}:preference`, request_id: id, session, value, side } });
    }
    return out;
  },
  kinds: {
    requests: { autoDetect: false, fields: { id: 'id', session_id: 'session', input: 'input', output: 'output' } },
    feedback: {
      autoDetect: false,
      fields: { id: 'id', request_id: 'request_id', session_id: 'session', kind: { const: 'preference' }, value: 'value', label: 'side', source: { const: 'rater' } },
    },
  },
  notes: ['each pair: two requests (chosen, rejected) in one session and a preference +1 / -1 on each'],
};
