/**
 * Dispatch of the feedback and ticket-analysis methods (shared/contract-feedback.ts) inside the store.
 * StoreService.dispatch hands these methods here; params arrive already validated by the contract.
 */
import { feedbackMethods } from '../../../shared/contract-feedback';
import { LoupeError } from '../../../shared/errors';
import type { Workspace } from '../workspace';
import { defaultSession } from '../review/handlers';
import { workspaceZone } from '../review/queues';
import { ticketAnalysis, ticketRates } from '../tickets/analysis';
import { tagFeedbackEdgeCase } from './edge-case';
import { feedbackFacets, queryFeedback } from './query';
import { feedbackTerms } from './terms';
import { feedbackTraits } from './traits';

const NAMES: ReadonlySet<string> = new Set(Object.keys(feedbackMethods));

/** True for a method this module handles. */
export function isFeedbackMethod(method: string): boolean {
  return NAMES.has(method);
}

/**
 * Runs one feedback method.
 * @param committed - called after a write (edge-case tags), with the tables it changed
 * @returns the method's result (see the contract)
 * @throws LoupeError BAD_REQUEST for an unknown method; whatever the method throws
 */
export function dispatchFeedback(ws: Workspace, method: string, params: unknown, committed: (tables: Array<'reviews' | 'tags'>) => void): unknown {
  const zone = workspaceZone(ws);
  switch (method) {
    case 'feedback.facets': return feedbackFacets(ws.db, zone);
    case 'feedback.query': return queryFeedback(ws.db, params as never, zone);
    case 'feedback.terms': return feedbackTerms(ws.db, params as never, zone);
    case 'feedback.traits': return feedbackTraits(ws.db, params as never, zone);
    case 'tickets.rate': return ticketRates(ws.db, params as never, zone);
    case 'tickets.analysis': return ticketAnalysis(ws.db, zone);
    case 'feedback.tagEdgeCase': {
      const r = tagFeedbackEdgeCase(ws, params as never, defaultSession(ws));
      committed(['reviews']);
      return r;
    }
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
