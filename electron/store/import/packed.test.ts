/**
 * pushRowValues reads each kind's COLUMNS by name (packed.ts PUSH, written out for speed): every column, in COLUMNS
 * order, null for a missing one and for import_id (the store sets it), so a column added to COLUMNS and not to its
 * list, or listed out of order, fails here.
 */
import { describe, expect, it } from 'vitest';
import { COLUMNS, pushRowValues } from './packed';
import type { RecordKind } from '../../../shared/types';

describe('pushRowValues', () => {
  for (const kind of ['requests', 'feedback', 'tickets'] as RecordKind[]) {
    it(`${kind}: every column in COLUMNS order, import_id null`, () => {
      const row = Object.fromEntries(COLUMNS[kind].map((c, i) => [c, `${c}#${i}`]));
      expect(pushRowValues([], kind, row)).toEqual(COLUMNS[kind].map((c, i) => (c === 'import_id' ? null : `${c}#${i}`)));
      // Missing fields are null; a row's other fields are not read; out is appended to.
      expect(pushRowValues(['before'], kind, { id: 'x', unrelated: 5 })).toEqual(['before', 'x', ...COLUMNS[kind].slice(1).map(() => null)]);
    });
  }
});
