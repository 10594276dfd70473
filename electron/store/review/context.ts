/**
 * What the review handlers get from the store service: the open workspace and the two callbacks a durable change
 * needs (tell open views which tables changed; schedule the idle checkpoint).
 */
import type { EventMap } from '../../../shared/contract';
import type { Workspace } from '../workspace';

export type ChangedTable = EventMap['tables.changed']['tables'][number];

export interface ReviewContext {
  ws: Workspace;
  /** Emits `tables.changed` for the given tables. */
  changed(tables: ChangedTable[]): void;
  /** Called after every journaled commit (the service schedules a checkpoint once writes go quiet). */
  committed(): void;
  /** The session id used when a decision names none (one per open workspace in the store worker). */
  sessionId: string;
}
