/**
 * Typeform Responses API bodies (developer.typeform.com/responses/reference/retrieve-responses: `GET
 * /forms/{form_id}/responses`): items[] with response_id (and token, the same id), landed_at, submitted_at, hidden
 * (the form's hidden fields, e.g. request_id and user_id), calculated.score (a quiz's score: 0 on a form that is no
 * quiz) and answers[], each with field {id, type, ref} and its value under the key its `type` names (number, boolean,
 * text, choice {label}, choices {labels}). Field types read: nps (0-10) as NPS; rating and opinion_scale as ratings;
 * yes_no as a thumb; short_text and long_text as comments; multiple_choice and dropdown as text labelled by the
 * field. Other answers (dates, files, payments, contact details) are skipped and counted. A response is dated when it
 * was submitted; each row's id is the response's id with the field's, so a re-download replaces its answers.
 * (The CSV download, a column per question, is read by the generic preset.)
 *
 * Without this preset the generic one stored each response as one "CSAT 0/5" rating read from calculated.score and
 * dropped every real answer (a breaker's finding).
 */
import { hasKeys, jsonish, scaleOfScore, share, SHAPED_FEEDBACK, type Preset, type SkippedPart, type SubRecord } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

function isResponse(r: Json): boolean {
  return hasKeys(r, 'answers') && (hasKeys(r, 'response_id') || hasKeys(r, 'token')) && (hasKeys(r, 'submitted_at') || hasKeys(r, 'landed_at'));
}

/** The text of a choice answer (choice.label, or choices.labels joined), or null. */
function choiceText(a: Json): string | null {
  const one = obj(a.choice);
  if (typeof one.label === 'string' && one.label !== '') return one.label;
  if (typeof one.other === 'string' && one.other !== '') return one.other;
  const many = obj(a.choices);
  const labels = Array.isArray(many.labels) ? many.labels.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  return labels.length ? labels.join(', ') : null;
}

export const typeformResponses: Preset = {
  name: 'typeform-responses',
  label: 'Typeform Responses API',
  kind: 'feedback',
  unit: 'responses',
  detect(sample) {
    return share(sample, (r) => isResponse(r) && Array.isArray(jsonish(r.answers)));
  },
  expand(r): Array<SubRecord | SkippedPart> {
    const hidden = obj(r.hidden);
    const id = String(r.response_id ?? r.token);
    const base = { request_id: hidden.request_id ?? hidden.requestId ?? null, user_id: hidden.user_id ?? hidden.userId ?? null, ts: r.submitted_at ?? r.landed_at ?? null, source: 'typeform' };
    const out: Array<SubRecord | SkippedPart> = [];
    const answers = jsonish(r.answers);
    for (const x of Array.isArray(answers) ? answers : []) {
      const a = obj(x);
      const field = obj(a.field);
      const name = String(field.ref ?? field.id ?? 'answer');
      const row = { ...base, id: `${id}:${String(field.id ?? name)}`, label: name };
      const type = String(field.type ?? '');
      const num = typeof a.number === 'number' ? a.number : null;
      if (type === 'nps' && num !== null) out.push({ kind: 'feedback', record: { ...row, kind: 'nps', value: num, scale: 10, text: null } });
      else if ((type === 'rating' || type === 'opinion_scale') && num !== null) out.push({ kind: 'feedback', record: { ...row, kind: 'rating', value: num, scale: scaleOfScore(num), text: null } });
      else if (type === 'yes_no' && typeof a.boolean === 'boolean') out.push({ kind: 'feedback', record: { ...row, kind: 'thumb', value: a.boolean ? 1 : -1, scale: null, text: null } });
      else if ((type === 'long_text' || type === 'short_text') && typeof a.text === 'string') {
        if (a.text.trim() !== '') out.push({ kind: 'feedback', record: { ...row, kind: 'comment', value: null, scale: null, text: a.text } });
      } else if ((type === 'multiple_choice' || type === 'dropdown' || type === 'picture_choice') && choiceText(a) !== null) {
        out.push({ kind: 'feedback', record: { ...row, kind: 'comment', value: null, scale: null, text: choiceText(a) } });
      } else out.push({ skip: `${type || 'untyped'} answer (no rating, NPS, yes/no, choice or text)` });
    }
    if (out.length === 0) out.push({ skip: 'response with no answers' });
    return out;
  },
  kinds: {
    feedback: SHAPED_FEEDBACK,
  },
  notes: ['each answer is a feedback row (nps: NPS; rating and opinion_scale: ratings; yes_no: thumbs; text: comments; choices: text), dated when submitted, linked by the hidden request_id; calculated.score (a quiz score) is not read'],
};
