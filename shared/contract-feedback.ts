/**
 * The feedback and ticket-analysis part of the contract, merged into the `contract` object of ./contract with one
 * spread: the feedback grid with full-text search over comments, the words that distinguish negative comments,
 * feedback by trait, and ticket rates and resolution times. Params are zod schemas (validated at every boundary);
 * results are typed only. Units: times UTC epoch ms, durations ms, shares in [0, 1], NPS in points from −100 to 100,
 * ticket rates per 1,000 requests. A statistic without data is `null`. Errors: BAD_REQUEST (invalid params, an ISO
 * week luxon cannot read), NOT_FOUND (feedback or request id), CONFLICT (the workspace is open to read only).
 */
import { z } from 'zod';
import { isoWeekSchema } from './contract-review';
import type { FeedbackKind } from './types';

/** Declares a method: its params schema and its result type (a local copy of contract.ts's helper, avoiding an import cycle). */
function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

const values = z.array(z.string().max(500)).max(200);
const kindSchema = z.enum(['thumb', 'rating', 'nps', 'comment', 'preference']);

/**
 * Value filters in words. negative: thumbs-down, a rating at or below 2 of 5 (CSAT) or in the bottom 40% of its scale,
 * an NPS detractor (0-6), or a rejected preference; positive: thumbs-up, a rating of 4-5 of 5 (top-2-box), an NPS
 * promoter (9-10) or a preferred output.
 */
export const FEEDBACK_VALUE_FILTERS = ['negative', 'positive', 'thumbs_down', 'thumbs_up', 'csat_low', 'csat_high', 'detractor', 'passive', 'promoter'] as const;
export type FeedbackValueFilter = (typeof FEEDBACK_VALUE_FILTERS)[number];

/** Period and slice filters shared by the feedback methods; request fields apply to the linked request. */
export const feedbackFilterSchema = z.object({
  /** Full-text search over comments (FTS4 phrase, last word as a prefix); an exact feedback id also matches. */
  text: z.string().max(500).optional(),
  kind: z.array(kindSchema).max(5).optional(),
  value: z.enum(FEEDBACK_VALUE_FILTERS).optional(),
  has_comment: z.boolean().optional(),
  /** ISO week of the feedback's time, in the workspace time zone. */
  week: isoWeekSchema.optional(),
  from_ts: z.number().optional(),
  to_ts: z.number().optional(),
  feature: values.optional(),
  model_version: values.optional(),
  segment: values.optional(),
  region: values.optional(),
  lang: values.optional(),
  /** Linked to a request (explicitly or through its session) or not. */
  linked: z.boolean().optional(),
  /**
   * Who wrote it: `users`, or `evaluators` (an automated evaluator: an LLM judge, a scoring rule, by its source;
   * electron/store/feedback/automated.ts). Evaluators' scores are in none of the users' figures.
   */
  from: z.enum(['users', 'evaluators']).optional(),
  request_id: z.string().max(4096).optional(),
  /** One feedback row by id. */
  id: z.string().max(4096).optional(),
});
export type FeedbackFilter = z.infer<typeof feedbackFilterSchema>;

export const feedbackQuerySchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
  sort: z.object({ column: z.enum(['ts', 'kind', 'value', 'id', 'feature', 'model_version', 'segment']), desc: z.boolean() }).optional(),
  filter: feedbackFilterSchema.default({}),
});
export type FeedbackQuery = z.input<typeof feedbackQuerySchema>;

/** A feedback row as the grid shows it, with its linked request and that request's review. */
export interface FeedbackGridRow {
  id: string;
  kind: FeedbackKind;
  value: number | null;
  scale: number | null;
  /** The value in words, e.g. "thumbs down", "CSAT 2/5", "NPS 9 (promoter)". */
  value_text: string;
  /** negative | positive | neutral | null (a comment has no value). */
  polarity: 'negative' | 'positive' | 'neutral' | null;
  label: string | null;
  comment: string | null;
  ts: number | null;
  user_id: string | null;
  source: string | null;
  /** Written by an automated evaluator (by its source): in none of the users' figures. */
  automated: boolean;
  request_id: string | null;
  link_method: 'explicit' | 'session' | 'trace' | null;
  /** Whether the linked request is in the workspace. */
  request_found: boolean;
  feature: string | null;
  model_version: string | null;
  segment: string | null;
  lang: string | null;
  input_preview: string | null;
  output_preview: string | null;
  /** The request's effective reviews: failed if any reviewer failed it, null when not reviewed (or only tagged). */
  review_failed: boolean | null;
  reviewed: boolean;
  /** Edge-case tags on the request's effective reviews. */
  tags: Array<{ id: number; name: string; colour: string }>;
}

/** Which comments are "negative" in the distinguishing-terms view. */
export const termsGroupSchema = z.array(z.enum(['thumbs_down', 'detractor', 'csat_low', 'rejected'])).min(1).max(4);

export const feedbackTermsSchema = z.object({
  week: isoWeekSchema.optional(),
  from_ts: z.number().optional(),
  to_ts: z.number().optional(),
  feature: values.optional(),
  /** Feedback counted as negative; default all four. */
  negative: termsGroupSchema.default(['thumbs_down', 'detractor', 'csat_low', 'rejected']),
  /** Prior strength α₀ of the Dirichlet prior (pseudo-words); default 10. */
  alpha0: z.number().positive().max(1e7).default(10),
  /** A term must occur in at least this many comments of the period. */
  min_comments: z.number().int().min(1).max(1000).default(2),
  limit: z.number().int().min(1).max(500).default(40),
});
export type FeedbackTermsParams = z.input<typeof feedbackTermsSchema>;

/** One distinguishing word or two-word phrase. */
export interface TermScore {
  term: string;
  /** 1 for a word, 2 for a two-word phrase. */
  words: 1 | 2;
  /** Occurrences in negative comments and in the period's other comments. */
  negative_count: number;
  other_count: number;
  /** Comments that contain it, per group. */
  negative_comments: number;
  other_comments: number;
  /** Log-odds ratio δ (natural log) and its z-score; z > 1.96 marks a term significantly over-represented. */
  delta: number;
  z: number;
}

export interface FeedbackTerms {
  from_ts: number | null;
  to_ts: number | null;
  week: string | null;
  /** `missing_request`: of `comments`, those whose request id names no request of the workspace (their request was
   * not imported); counted in the comparison and said in `notes`. */
  negative: { comments: number; words: number; missing_request: number };
  other: { comments: number; words: number; missing_request: number };
  /** Comments per detected language (stop words removed per language). */
  languages: Array<{ lang: string; comments: number }>;
  /** Terms over-represented in negative comments, highest z first. */
  terms: TermScore[];
  /** Terms over-represented in the other comments (lowest z first). */
  other_terms: TermScore[];
  method: string;
  notes: string[];
  elapsed_ms: number;
}

export const TRAIT_DIMENSIONS = ['feature', 'model_version', 'segment', 'region', 'lang', 'input_length', 'latency'] as const;
export type TraitDimension = (typeof TRAIT_DIMENSIONS)[number];

export const feedbackTraitsSchema = z.object({
  dimension: z.enum(TRAIT_DIMENSIONS),
  week: isoWeekSchema.optional(),
  from_ts: z.number().optional(),
  to_ts: z.number().optional(),
  /** False discovery rate for naming slices that differ (Benjamini-Hochberg across every slice and metric). */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** Below this many answers a slice's figure is flagged as small n. */
  min_n: z.number().int().min(1).max(10000).default(30),
});
export type FeedbackTraitsParams = z.input<typeof feedbackTraitsSchema>;

/** A share with its Wilson 95% interval and its comparison with the rest of the period. */
export interface SliceRate { k: number; n: number; rate: number | null; low: number | null; high: number | null; p: number | null; q: number | null; differs: boolean; small_n: boolean }
export interface SliceNps { promoters: number; detractors: number; n: number; nps: number | null; low: number | null; high: number | null; p: number | null; q: number | null; differs: boolean; small_n: boolean }

export interface TraitSlice {
  value: string;
  requests: number;
  thumbs_up: SliceRate;
  /** Top-2-box share of 1-5 ratings. */
  csat: SliceRate;
  nps: SliceNps;
}

export interface FeedbackTraits {
  dimension: TraitDimension;
  week: string | null;
  from_ts: number | null;
  to_ts: number | null;
  slices: TraitSlice[];
  overall: Omit<TraitSlice, 'value'>;
  /** Slices whose rate differs from the rest of the period after Benjamini-Hochberg, in words. */
  findings: string[];
  /** Feedback that could not be placed in a slice (no linked request or user), counted, never silently dropped. */
  unattributed: { thumbs: number; ratings: number; nps: number };
  method: string;
  notes: string[];
}

export const ticketRateSchema = z.object({
  by: z.enum(['week', 'model_version', 'feature']),
  /** Cross with a second dimension, e.g. week × model_version. */
  then: z.enum(['week', 'model_version', 'feature']).optional(),
});
export type TicketRateParams = z.input<typeof ticketRateSchema>;

/** Tickets per 1,000 requests of a group with the exact Poisson 95% interval. */
export interface TicketRateRow { group: string; group2?: string; tickets: number; requests: number; per_1000: number | null; low: number | null; high: number | null }

export interface TicketRates {
  by: string;
  then: string | null;
  rows: TicketRateRow[];
  /**
   * Tickets not in the rates: `tickets` in all, `reason` the reasons in words, and `reasons` each reason with its count
   * (no linked request; linked request without a timestamp when weeks are involved; no creation time by week alone).
   */
  left_out: { tickets: number; reason: string; reasons: Array<{ reason: string; tickets: number }> };
  method: string;
}

/** Counts and resolution times of the tickets, and tickets per failure tag of the reviewed requests. */
export interface TicketAnalysis {
  tickets: number;
  linked: number;
  by_tag: Array<{ value: string; tickets: number; share: number }>;
  by_priority: Array<{ value: string; tickets: number; share: number }>;
  by_channel: Array<{ value: string; tickets: number; share: number }>;
  by_link_rule: Array<{ method: string; rule: string; tickets: number }>;
  /** Per ISO week of creation: hours to first response and to resolution, p50 and p90 (linear interpolation). */
  times: Array<{ week: string; tickets: number; first_response_n: number; first_response_p50_h: number | null; first_response_p90_h: number | null; resolution_n: number; resolution_p50_h: number | null; resolution_p90_h: number | null }>;
  /**
   * Tickets or durations left out of `times`, each reason with its count: tickets without a creation time (in no
   * week; still in the counts by tag, priority and channel), and first-response or resolution times earlier than the
   * creation time (not a duration). Empty when nothing was left out.
   */
  times_left_out: Array<{ reason: string; tickets: number }>;
  /** Reviewed requests per edge-case tag and the tickets linked to them: "ticket rate per failure tag". */
  by_failure_tag: Array<{ tag: string; reviewed_requests: number; tickets: number; per_1000: number | null; low: number | null; high: number | null }>;
  reviewed_requests: number;
  notes: string[];
}

export const edgeCaseFromFeedbackSchema = z.object({
  feedback_id: z.string().min(1).max(4096),
  tag_ids: z.array(z.number().int().positive()).min(1).max(50),
  note: z.string().max(10000).optional(),
});

/** Values for the Feedback screen's filters. */
export interface FeedbackFacets { weeks: string[]; feature: string[]; model_version: string[]; segment: string[]; lang: string[]; region: string[] }

export const feedbackMethods = {
  /** ISO weeks that have feedback (newest first) and the values of the request fields the filters offer. */
  'feedback.facets': method<z.ZodObject<Record<string, never>>, FeedbackFacets>(z.object({})),
  /** A page of feedback for the grid (paged, sorted and filtered in SQL; comments searched with FTS4). */
  'feedback.query': method<typeof feedbackQuerySchema, { rows: FeedbackGridRow[]; total: number }>(feedbackQuerySchema),
  /** Words and two-word phrases that distinguish negative comments from the period's others (Monroe et al. 2008). */
  'feedback.terms': method<typeof feedbackTermsSchema, FeedbackTerms>(feedbackTermsSchema),
  /** Thumbs-up rate, CSAT and NPS per slice of one dimension, with intervals and the slices that differ named. */
  'feedback.traits': method<typeof feedbackTraitsSchema, FeedbackTraits>(feedbackTraitsSchema),
  /** Tickets per 1,000 requests by week, model version or feature (optionally crossed), with exact Poisson intervals. */
  'tickets.rate': method<typeof ticketRateSchema, TicketRates>(ticketRateSchema),
  /** Ticket counts by tag, priority and channel; time to first response and resolution per week; rate per failure tag. */
  'tickets.analysis': method<z.ZodObject<Record<string, never>>, TicketAnalysis>(z.object({})),
  /**
   * Tags the request a feedback row is linked to into the edge-case library (a tag-only review with the comment as
   * its note, journaled). @throws BAD_REQUEST (no reviewer name, unknown tag, feedback not linked), NOT_FOUND
   */
  'feedback.tagEdgeCase': method<typeof edgeCaseFromFeedbackSchema, { review_id: number; request_id: string }>(edgeCaseFromFeedbackSchema),
} satisfies Record<string, { params: z.ZodType; result: unknown }>;
