/**
 * MT-Bench (FastChat llm_judge) files. Answers: `choices[0].turns[]`, each turn a request with id
 * `mtbench:<model>:<question_id>:<turn>` (model = the last segment of `model_id`, as the judgments name it).
 * Judgments: single-answer judge scores 1-10 as feedback kind 'rating', scale 10, source 'judge', linked to the
 * answer's request id through question_id + model + turn. A score of -1 means the judge's output could not be parsed:
 * it is stored as a MISSING value (NULL, label "-1"), never as a score. Feedback ids are built from the judgment key
 * `mtbench-judgment:<judge>:<prompt>:<model>:<question_id>:<turn>`, so a key that repeats in the file is reported as
 * a duplicate and the last judgment wins.
 */
import { hasKeys, share, type Preset, type SubRecord } from './common';

type Json = Record<string, unknown>;

function modelName(v: unknown): string {
  const s = String(v ?? '');
  return s.slice(s.lastIndexOf('/') + 1);
}

export const mtbenchAnswers: Preset = {
  name: 'mtbench-answers',
  label: 'MT-Bench model answers',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'question_id', 'model_id', 'choices') && Array.isArray(r.choices));
  },
  expand(record): SubRecord[] {
    const choices = record.choices as Json[] | undefined;
    const turns = choices?.[0]?.turns;
    if (!Array.isArray(turns)) throw new Error('no choices[0].turns array');
    const model = modelName(record.model_id);
    const { choices: _c, ...rest } = record;
    return turns.map((text, i) => ({
      kind: 'requests' as const,
      record: { ...rest, model, turn: i + 1, text, id: `mtbench:${model}:${String(record.question_id)}:${i + 1}`, session: `mtbench:${model}:${String(record.question_id)}` },
    }));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: { id: 'id', session_id: 'session', model: 'model_id', ts: { path: 'tstamp', unit: 's' }, output: 'text' },
    },
  },
  notes: ['each answer turn is a request: id mtbench:<model>:<question_id>:<turn>; the question text is not in the answers file'],
};

export const mtbenchJudgments: Preset = {
  name: 'mtbench-judgments',
  label: 'MT-Bench judge scores',
  kind: 'feedback',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'question_id', 'model', 'judge', 'score'));
  },
  kinds: {
    feedback: {
      autoDetect: false,
      fields: {
        id: {
          compute: (r) => {
            const judge = Array.isArray(r.judge) ? r.judge.map(String).join(':') : String(r.judge);
            return `mtbench-judgment:${judge}:${modelName(r.model)}:${String(r.question_id)}:${String(r.turn ?? 1)}`;
          },
          uses: ['question_id', 'model', 'turn'],
          describe: 'mtbench-judgment:<judge>:<model>:<question_id>:<turn>',
        },
        request_id: {
          compute: (r) => `mtbench:${modelName(r.model)}:${String(r.question_id)}:${String(r.turn ?? 1)}`,
          uses: ['question_id', 'model', 'turn'],
          describe: 'mtbench:<model>:<question_id>:<turn>',
        },
        kind: { const: 'rating' },
        value: 'score',
        scale: { const: 10 },
        comment: 'judgment',
        source: { const: 'judge' },
        ts: { path: 'tstamp', unit: 's' },
      },
      sentinels: { value: ['-1'] },
    },
  },
  notes: ['score -1 means the judge output could not be parsed: stored as a missing value (NULL, label "-1"), not a score',
    'repeated (judge, model, question_id, turn) keys are duplicates: the last judgment in the file wins'],
};
