/**
 * Label Studio's JSON export (labelstud.io/guide/export, "JSON": one object per task): id, data (the task's fields as
 * imported: the text under review and, when the project was loaded with them, ids such as request_id), annotations[]
 * (one per annotator: id, completed_by (the user's id, or an object with it), result[] of {from_name, to_name, type,
 * value}, was_cancelled, created_at, updated_at, lead_time), predictions[] (a model's pre-annotations), created_at.
 * Result types read: `rating` (value.rating) as a rating, `choices` (value.choices) and `textarea` (value.text) as
 * text feedback labelled by the control's name (as the LangSmith preset keeps categorical values); other types
 * (labels, regions, taxonomies) are no feedback on the answer and are skipped and counted, as are cancelled
 * annotations and model predictions. Each row is linked to the task's request (data.request_id) and dated when the
 * annotation was last updated. (The JSON-MIN export, one flat object per annotation, is read by the generic preset.)
 *
 * Without this preset the generic one stored each task's text, the content under review, as a user's comment, dated
 * when the task was created, and dropped the ratings, the second annotator and the cancelled flag (a breaker's finding).
 */
import { first, hasKeys, jsonish, scaleOfScore, share, SHAPED_FEEDBACK, type Preset, type SkippedPart, type SubRecord } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

function list(v: unknown): unknown[] {
  const p = jsonish(v);
  return Array.isArray(p) ? p : [];
}

/** The annotator: completed_by as an id, or the object Label Studio writes in some versions (its email, else id). */
function annotator(v: unknown): unknown {
  if (v && typeof v === 'object') {
    const o = v as Json;
    return o.email ?? o.id ?? null;
  }
  return v ?? null;
}

function isTask(r: Json): boolean {
  return hasKeys(r, 'annotations', 'data') && list(r.annotations).every((a) => Array.isArray(obj(a).result));
}

export const labelStudio: Preset = {
  name: 'label-studio',
  label: 'Label Studio JSON export',
  kind: 'feedback',
  unit: 'tasks',
  detect(sample) {
    return share(sample, (r) => isTask(r) && list(r.annotations).length > 0) > 0 ? share(sample, isTask) : 0;
  },
  expand(r): Array<SubRecord | SkippedPart> {
    const data = obj(r.data);
    const requestId = first(data, 'request_id', 'requestId', 'trace_id', 'generation_id') ?? null;
    const out: Array<SubRecord | SkippedPart> = [];
    for (const a of list(r.annotations)) {
      const ann = obj(a);
      if (ann.was_cancelled === true) { out.push({ skip: 'cancelled annotation (skipped in Label Studio)' }); continue; }
      for (const item of list(ann.result)) {
        const res = obj(item);
        const name = String(res.from_name ?? res.type ?? 'annotation');
        const value = obj(res.value);
        const base = { id: `${String(ann.id)}:${name}`, request_id: requestId, user_id: annotator(ann.completed_by), ts: ann.updated_at ?? ann.created_at ?? null, label: name, source: 'label_studio' };
        if (res.type === 'rating' && typeof value.rating === 'number') {
          out.push({ kind: 'feedback', record: { ...base, kind: 'rating', value: value.rating, scale: scaleOfScore(value.rating), text: null } });
        } else if (res.type === 'choices' || res.type === 'textarea') {
          const texts = list(res.type === 'choices' ? value.choices : value.text).filter((t): t is string => typeof t === 'string' && t.trim() !== '');
          if (texts.length) out.push({ kind: 'feedback', record: { ...base, kind: 'comment', value: null, scale: null, text: texts.join(', ') } });
        } else {
          out.push({ skip: `${String(res.type ?? 'untyped')} annotation (no rating, choice or text on the answer)` });
        }
      }
    }
    for (const _ of list(r.predictions)) out.push({ skip: 'model prediction (a pre-annotation, not a person\'s answer)' });
    return out;
  },
  kinds: {
    feedback: SHAPED_FEEDBACK,
  },
  notes: [
    'each annotation\'s ratings are ratings, its choices and text areas text feedback labelled by the control\'s name, linked to data.request_id and dated when last updated; the task\'s own text (the content under review) is not feedback',
  ],
};
