/**
 * Dispatch of the review methods (shared/contract-review.ts) inside the store. StoreService.dispatch hands every
 * method it does not handle itself to {@link dispatchReview}; params arrive already validated by the contract.
 */
import crypto from 'node:crypto';
import { LoupeError } from '../../../shared/errors';
import type { Workspace } from '../workspace';
import type { ChangedTable, ReviewContext } from './context';
import { createQueue, extendQueue, getQueue, listQueues, queueForWeek, weeksWithRequests, workspaceZone } from './queues';
import { planDesign, simulateDesign } from './simulation';
import { getItem, getReviewer, nextOpen, setReviewer, skipItem, submitReview, undoLast } from './reviews';
import { getRubric, rubricVersions, saveRubric } from './rubric';
import { createTag, listTags, mergeTags, renameTag, tagWeekly } from './tags';
import { queueAgreement, queueEstimates } from './estimates';
import { exportEdgeCases, queryEdgeCases } from './exports';
import { exportWithVisibleBidi } from '../../../shared/bidi';
import type { RenderedFile } from '../../../shared/review-types';

/** Exports show (or, in JSON, escape) bidirectional controls, so a forwarded report cannot be reordered by one. */
function visibleBidi(f: RenderedFile): RenderedFile {
  return { ...f, text: exportWithVisibleBidi(f.text, f.mime) };
}

/** One review session per open workspace: what `review.undo` walks back when the caller names no session. */
const sessions = new WeakMap<Workspace, string>();

/** The default session id of a workspace (created on first use). */
export function defaultSession(ws: Workspace): string {
  let s = sessions.get(ws);
  if (!s) sessions.set(ws, (s = crypto.randomUUID()));
  return s;
}

/** Builds the context {@link dispatchReview} needs from the service's workspace and callbacks. */
export function reviewContext(ws: Workspace, changed: (tables: ChangedTable[]) => void, committed: () => void): ReviewContext {
  return { ws, changed, committed, sessionId: defaultSession(ws) };
}

/**
 * Runs one review method.
 * @param ctx - the workspace, the tables-changed callback and the commit callback
 * @param method - a method name from shared/contract-review.ts
 * @param params - its validated params
 * @returns the method's result (see the contract)
 * @throws LoupeError BAD_REQUEST for a method that is not a review method; whatever the method throws
 */
export function dispatchReview(ctx: ReviewContext, method: string, params: unknown): unknown {
  const { ws } = ctx;
  const db = ws.db;
  const wrote = <T>(tables: ChangedTable[], r: T): T => {
    ctx.committed();
    ctx.changed(tables);
    return r;
  };
  const session = (s?: string) => s ?? ctx.sessionId;
  switch (method) {
    case 'queues.create': return wrote(['queues'], createQueue(ws, params as never));
    case 'queues.extend': { const q = params as { queue_id: number; add: number }; return wrote(['queues'], extendQueue(ws, q.queue_id, q.add)); }
    case 'queues.weeks': return weeksWithRequests(db, workspaceZone(ws));
    case 'queues.simulate': {
      const q = params as { design: never; seeds: number; failure_rate?: number; failure_rates?: Record<string, number>; half_width?: number };
      return simulateDesign(db, q.design, workspaceZone(ws), Date.now(), {
        seeds: q.seeds, rates: { ...(q.failure_rate !== undefined ? { rate: q.failure_rate } : {}), ...(q.failure_rates ? { rates: q.failure_rates } : {}) },
        ...(q.half_width !== undefined ? { halfWidth: q.half_width } : {}),
      });
    }
    case 'queues.plan': {
      const q = params as { design: never; seeds: number; half_width?: number; target_rate?: number };
      return planDesign(db, q.design, workspaceZone(ws), Date.now(), { seeds: q.seeds, ...(q.half_width !== undefined ? { halfWidth: q.half_width } : {}), ...(q.target_rate !== undefined ? { targetRate: q.target_rate } : {}) });
    }
    case 'queues.list': return listQueues(db, (params as { week?: string }).week);
    case 'queues.get': return getQueue(db, (params as { queue_id: number }).queue_id, getReviewer(ws));
    case 'review.item': { const q = params as { queue_id: number; position: number }; return getItem(ws, q.queue_id, q.position); }
    case 'review.nextOpen': { const q = params as { queue_id: number; from: number }; return { position: nextOpen(db, q.queue_id, getReviewer(ws) ?? '', q.from) }; }
    case 'review.submit': {
      const q = params as { queue_id: number; position: number; verdicts: Record<string, string | number>; tag_ids: number[]; note?: string | null; session_id?: string };
      return wrote(['reviews'], submitReview(ws, q, session(q.session_id)));
    }
    case 'review.skip': { const q = params as { queue_id: number; position: number; reason: string; session_id?: string }; return wrote(['reviews'], skipItem(ws, q, session(q.session_id))); }
    case 'review.undo': return wrote(['reviews'], undoLast(ws, session((params as { session_id?: string }).session_id)));
    case 'review.setReviewer': return wrote(['meta'], setReviewer(ws, (params as { name: string }).name));
    case 'review.getReviewer': return { reviewer: getReviewer(ws) };
    case 'rubric.get': return getRubric(db, (params as { version?: number }).version);
    case 'rubric.versions': return rubricVersions(db);
    case 'rubric.save': return wrote(['rubrics'], saveRubric(ws, (params as { criteria: never }).criteria));
    case 'tags.list': return listTags(db, (params as { prefix?: string }).prefix);
    case 'tags.create': return wrote(['tags'], createTag(ws, params as never));
    case 'tags.rename': return wrote(['tags'], renameTag(ws, params as never));
    case 'tags.merge': { const q = params as { from: number; into: number }; return wrote(['tags', 'reviews'], mergeTags(ws, q.from, q.into)); }
    case 'tags.weekly': return tagWeekly(db, workspaceZone(ws));
    case 'estimates.week': { const q = params as { week?: string; queue_id?: number }; return queueEstimates(db, q.queue_id ?? queueForWeek(db, q.week!)); }
    case 'agreement.queue': return queueAgreement(db, (params as { queue_id: number }).queue_id);
    case 'edgeCases.query': return queryEdgeCases(db, workspaceZone(ws), params as never);
    case 'edgeCases.export': { const q = params as { filter: never; format: 'jsonl' | 'csv' }; return visibleBidi(exportEdgeCases(db, workspaceZone(ws), q.filter, q.format)); }
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
