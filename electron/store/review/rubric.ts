/**
 * The workspace rubric, versioned: saving criteria always makes a new version, and every review stores the version
 * it was made under, so old reviews keep their meaning after the rubric changes.
 */
import type { Db } from '../db';
import type { Workspace } from '../workspace';
import { LoupeError } from '../../../shared/errors';
import type { Rubric, RubricCriterion, VerdictValue } from '../../../shared/review-types';

/** The rubric of a version, or the latest one. @throws LoupeError NOT_FOUND for an unknown version */
export function getRubric(db: Db, version?: number): Rubric {
  const row = version === undefined
    ? db.get<{ version: number; criteria: string; created_at: number }>('SELECT * FROM rubrics ORDER BY version DESC LIMIT 1')
    : db.get<{ version: number; criteria: string; created_at: number }>('SELECT * FROM rubrics WHERE version = ?', [version]);
  if (!row) throw new LoupeError('NOT_FOUND', version === undefined ? 'The workspace has no rubric.' : `Rubric version ${version} does not exist.`);
  return { version: row.version, created_at: row.created_at, criteria: JSON.parse(row.criteria) as RubricCriterion[] };
}

/** Every rubric version, newest first. */
export function rubricVersions(db: Db): Rubric[] {
  return db.all<{ version: number; criteria: string; created_at: number }>('SELECT * FROM rubrics ORDER BY version DESC')
    .map((r) => ({ version: r.version, created_at: r.created_at, criteria: JSON.parse(r.criteria) as RubricCriterion[] }));
}

/**
 * Saves criteria as a new rubric version (journaled). Pass/fail criteria are always required; categories need
 * their options.
 * @returns the new version
 * @throws LoupeError BAD_REQUEST naming the criterion for duplicate ids, options on a non-category or a category without options
 */
export function saveRubric(ws: Workspace, criteria: ReadonlyArray<Omit<RubricCriterion, 'required' | 'guidance'> & { required?: boolean; guidance?: string }>, now = Date.now()): Rubric {
  const seen = new Set<string>();
  const clean: RubricCriterion[] = criteria.map((c, i) => {
    if (seen.has(c.id)) throw new LoupeError('BAD_REQUEST', `Criterion ${i + 1} ("${c.label}"): the id "${c.id}" is used twice.`);
    seen.add(c.id);
    if (c.kind === 'category' && (!c.options || c.options.length < 2)) throw new LoupeError('BAD_REQUEST', `Criterion "${c.id}": a category needs at least two options.`);
    if (c.kind !== 'category' && c.options) throw new LoupeError('BAD_REQUEST', `Criterion "${c.id}": only a category has options.`);
    if (c.options && new Set(c.options).size !== c.options.length) throw new LoupeError('BAD_REQUEST', `Criterion "${c.id}": its options repeat a value.`);
    return {
      id: c.id, label: c.label, kind: c.kind, ...(c.options ? { options: [...c.options] } : {}), guidance: c.guidance ?? '',
      required: c.kind === 'pass_fail' ? true : !!c.required,
    };
  });
  const version = (ws.db.value<number>('SELECT coalesce(max(version), 0) + 1 FROM rubrics') ?? 1);
  ws.commit([['INSERT INTO rubrics (version, criteria, created_at) VALUES (?, ?, ?)', [version, JSON.stringify(clean), now]]]);
  return { version, created_at: now, criteria: clean };
}

/**
 * Checks verdicts against a rubric and decides failure: an item fails when any pass/fail criterion is "fail".
 * @returns the verdicts (only the rubric's criteria) and whether the item failed
 * @throws LoupeError BAD_REQUEST naming the criterion and what was expected
 */
export function checkVerdicts(rubric: Rubric, verdicts: Record<string, VerdictValue>): { verdicts: Record<string, VerdictValue>; failed: boolean } {
  const known = new Map(rubric.criteria.map((c) => [c.id, c]));
  for (const id of Object.keys(verdicts)) {
    if (!known.has(id)) throw new LoupeError('BAD_REQUEST', `Unknown criterion "${id}" (rubric version ${rubric.version} has ${[...known.keys()].join(', ')}).`);
  }
  const out: Record<string, VerdictValue> = {};
  let failed = false;
  for (const c of rubric.criteria) {
    const v = verdicts[c.id];
    if (v === undefined || v === null) {
      if (c.required) throw new LoupeError('BAD_REQUEST', `Criterion "${c.label}" needs a verdict${c.kind === 'pass_fail' ? ' (pass or fail)' : ''}.`);
      continue;
    }
    if (c.kind === 'pass_fail' && v !== 'pass' && v !== 'fail') throw new LoupeError('BAD_REQUEST', `Criterion "${c.label}": expected pass or fail, got ${JSON.stringify(v)}.`);
    if (c.kind === 'scale' && !(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5)) throw new LoupeError('BAD_REQUEST', `Criterion "${c.label}": expected a whole number from 1 to 5, got ${JSON.stringify(v)}.`);
    if (c.kind === 'category' && !(typeof v === 'string' && c.options?.includes(v))) throw new LoupeError('BAD_REQUEST', `Criterion "${c.label}": expected one of ${(c.options ?? []).map((o) => `"${o}"`).join(', ')}, got ${JSON.stringify(v)}.`);
    if (c.kind === 'pass_fail' && v === 'fail') failed = true;
    out[c.id] = v;
  }
  return { verdicts: out, failed };
}
