/**
 * The import part of the contract beyond preview/start/cancel/history (which sit in ./contract): the list of presets
 * the user can choose from, for the preset chooser of a refused file's error card. Merged into `contract` with one
 * spread.
 */
import { z } from 'zod';
import type { RecordKind } from './types';

function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

/** A preset the user may choose: its name (for ImportOptions.preset), label and the kind of rows it makes. */
export interface PresetInfo { name: string; label: string; kind: RecordKind | 'mixed' }

export const importMethods = {
  /** Every import preset, in registry order (generic last). Errors: none. */
  'import.presets': method<z.ZodObject<Record<string, never>>, PresetInfo[]>(z.object({})),
};
