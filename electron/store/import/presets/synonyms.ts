/**
 * Source field names that mean a Loupe field, per kind of row, in order of preference. Names are compared after
 * {@link normName} (so `Ticket ID`, `ticketId` and `ticket_id` all read `ticket_id`). Used by the generic preset's
 * auto-detection and to fill fields a preset leaves unmapped; also by {@link kindScores} to tell requests, feedback
 * and tickets apart by their headers.
 */
import type { RecordKind } from '../../../../shared/types';
import { leafName, normName } from './common';

export const SYNONYMS: Record<RecordKind, Record<string, readonly string[]>> = {
  requests: {
    id: ['request_id', 'id', 'req_id', 'requestid', 'call_id', 'generation_id', 'custom_id', 'uuid', 'event_id', 'log_id', 'completion_id', 'answer_id'],
    // A call's start before the time its log was written (Opik and Braintrust write both; created_at is the later).
    ts: ['timestamp', 'ts', 'start_time', 'started_at', 'created_at', 'created', 'time', 'datetime', 'date', 'request_time', 'event_time', 'time_stamp', 'tstamp', 'created_time', 'logged_at', 'request_timestamp'],
    user_id: ['user_id', 'userid', 'user', 'end_user_id', 'customer_id', 'account_id', 'client_id', 'uid', 'user_email'],
    session_id: ['session_id', 'sessionid', 'conversation_id', 'thread_id', 'chat_id', 'session', 'conversation', 'dialog_id', 'dialogue_id'],
    segment: ['segment', 'user_segment', 'customer_segment', 'plan', 'tier', 'user_tier'],
    model: ['model', 'model_name', 'model_id', 'engine', 'llm', 'deployment', 'deployment_name'],
    model_version: ['model_version', 'version', 'model_revision', 'revision', 'prompt_version', 'release'],
    feature: ['feature', 'route', 'endpoint', 'use_case', 'usecase', 'app', 'application', 'task', 'product_area', 'intent'],
    lang: ['lang', 'language', 'locale'],
    input: ['input', 'prompt', 'question', 'query', 'user_message', 'user_input', 'instruction', 'messages', 'input_text', 'prompt_text', 'user_prompt', 'request_text', 'human'],
    output: ['output', 'completion', 'response', 'answer', 'assistant_message', 'output_text', 'generated_text', 'gen_text', 'reply', 'generation', 'response_text', 'completion_text', 'assistant'],
    latency_ms: ['latency_ms', 'latency', 'duration_ms', 'duration', 'elapsed_ms', 'elapsed', 'response_time_ms', 'response_time', 'end_to_end_latency_s', 'end_to_end_latency_ms', 'e2e_latency', 'total_time', 'latency_s', 'duration_s', 'elapsed_s', 'took_ms', 'latency_sec', 'latency_seconds'],
    ttft_ms: ['ttft_ms', 'ttft', 'ttft_s', 'time_to_first_token', 'time_to_first_token_ms', 'time_to_first_token_s', 'first_token_ms', 'first_token_latency'],
    tokens_in: ['tokens_in', 'prompt_tokens', 'input_tokens', 'num_input_tokens', 'number_input_tokens', 'n_prompt_tokens', 'prompt_token_count', 'input_token_count', 'prompt_tokens_count'],
    tokens_out: ['tokens_out', 'completion_tokens', 'output_tokens', 'num_output_tokens', 'number_output_tokens', 'generated_tokens', 'completion_token_count', 'output_token_count', 'candidates_token_count'],
    cost_usd: ['cost_usd', 'cost', 'total_cost', 'cost_in_usd', 'usd_cost', 'calculated_total_cost', 'price_usd', 'total_cost_usd', 'total_estimated_cost'],
    // Azure resource logs (the common schema of Azure OpenAI's RequestResponse logs): resultSignature is the HTTP
    // status, resultType Succeeded / Failed.
    status: ['status', 'status_code', 'http_status', 'result_signature', 'state', 'outcome', 'result_status', 'result_type', 'finish_reason'],
    // Opik's error_info is an object ({exception_type, message, traceback}): stored as its JSON text, which is an error.
    error: ['error', 'error_message', 'error_msg', 'err', 'exception', 'failure_reason', 'error_type', 'error_info'],
    tokens_cached_in: ['tokens_cached_in', 'cached_tokens', 'cache_read_input_tokens', 'input_cached_tokens', 'cached_input_tokens', 'cache_read_tokens', 'cached_content_token_count'],
    tokens_cache_write_in: ['tokens_cache_write_in', 'cache_creation_input_tokens', 'cache_write_tokens', 'input_cache_creation'],
    tokens_cache_write_1h_in: ['tokens_cache_write_1h_in', 'ephemeral_1h_input_tokens'],
    service_tier: ['service_tier'],
    // Country or region of the user (Helicone's `country_code`, OpenTelemetry's `geo.country.iso_code`).
    region: ['region', 'country', 'country_code', 'country_iso_code', 'iso_code', 'geo_country', 'user_country', 'client_country', 'geo_region', 'user_region'],
  },
  feedback: {
    // Label Studio's JSON-MIN: `id` is the task, `annotation_id` the annotation (one per annotator).
    // A survey tool's response id names the response across downloads, so an edited or re-tagged response replaces
    // itself: SurveyMonkey's Respondent ID, Typeform's `#` column (its response token; common.ts normName).
    id: ['feedback_id', 'annotation_id', 'id', 'rating_id', 'vote_id', 'score_id', 'response_id', 'survey_response_id', 'respondent_id', 'number'],
    request_id: ['request_id', 'req_id', 'generation_id', 'trace_id', 'message_id', 'completion_id', 'call_id', 'observation_id'],
    session_id: ['session_id', 'conversation_id', 'thread_id', 'chat_id', 'session', 'conversation'],
    user_id: ['user_id', 'userid', 'user', 'customer_id', 'account_id', 'uid', 'rater_id', 'annotator_id', 'annotator'],
    // A survey answer's time is when it was submitted (Typeform's Submit Date, SurveyMonkey's End Date, Qualtrics'
    // RecordedDate), not when the respondent opened the form (Start Date).
    // Before created_at: a survey sent and answered later (Gorgias' scored_datetime, Medallia Agent Connect's
    // response_received_at) was rated when answered.
    ts: ['scored_datetime', 'scored_at', 'response_received_at', 'responded_at', 'answered_at', 'timestamp', 'ts', 'created_at', 'created', 'time', 'datetime', 'submitted_at', 'submit_date', 'submitted', 'submission_date', 'recorded_date', 'end_date', 'date', 'rated_at', 'tstamp', 'created_time'],
    kind: ['type', 'kind', 'feedback_type', 'feedback_kind', 'survey_type', 'metric', 'data_type'],
    value: ['value', 'thumb', 'thumbs', 'vote', 'rating', 'score', 'csat', 'nps', 'stars', 'star_rating', 'helpful', 'liked', 'reaction', 'feedback', 'preference', 'sentiment'],
    scale: ['scale', 'max_score', 'scale_max', 'out_of', 'max_value'],
    comment: ['comment', 'comments', 'feedback_text', 'text', 'body_text', 'note', 'notes', 'remark', 'free_text', 'reason', 'verbatim'],
    source: ['source', 'feedback_source', 'origin', 'channel', 'rater_type'],
  },
  tickets: {
    id: ['ticket_id', 'id', 'ticket_number', 'ticket', 'issue_key', 'key', 'issue_id', 'case_id', 'case_number', 'ticket_no', 'number'],
    // Salesforce's Cases report: Date/Time Opened, Date/Time Closed, Case Origin, Contact Name.
    created_ts: ['created_at', 'created_datetime', 'created', 'created_time', 'creation_date', 'date_created', 'opened_at', 'opened', 'submitted_at', 'created_date', 'ticket_created', 'date_time_opened', 'opened_date', 'timestamp', 'date'],
    updated_ts: ['updated_at', 'updated_datetime', 'updated', 'last_update_time', 'last_updated', 'modified_at', 'last_modified', 'updated_time', 'last_updated_at'],
    // HubSpot's ticket export: Close date.
    // Before 'closed': Salesforce's Cases report also has a Closed column of 0/1 flags.
    // Gorgias' tickets: closed_datetime.
    resolved_ts: ['solved_at', 'resolved_at', 'resolved', 'resolved_time', 'closed_at', 'closed_datetime', 'closed_time', 'date_time_closed', 'closed', 'close_date', 'closed_date', 'resolution_date', 'date_resolved', 'solved', 'time_to_resolution', 'resolution_time'],
    first_response_ts: ['first_response_at', 'first_response_time', 'initial_response_time', 'first_reply_at', 'first_responded_at', 'first_response', 'first_reply_time'],
    first_response_minutes: ['first_reply_time_in_minutes', 'first_response_time_in_minutes', 'first_reply_time_minutes', 'first_response_time_minutes', 'first_reply_minutes', 'first_response_minutes',
      'minutes_to_first_reply', 'minutes_to_first_response'],
    // ServiceNow's incident list: caller_id (the caller's name in a list export), short_description, contact_type.
    requester: ['requester', 'requester_name', 'customer_name', 'customer', 'full_name', 'name', 'reporter', 'contact', 'contact_name', 'submitter', 'caller_id', 'caller'],
    requester_email: ['requester_email', 'customer_email', 'email', 'contact_email', 'reporter_email', 'email_address'],
    // Zendesk's Requester external id is the customer's id in your own system (the one your request logs carry);
    // its Requester id is Zendesk's internal user number, which no request log holds.
    user_id: ['requester_external_id', 'external_id', 'requester_id', 'user_id', 'customer_id', 'contact_id', 'account_id', 'user', 'requester_email', 'customer_email', 'email', 'contact_email'],
    // HubSpot's ticket subject property is labelled Ticket name.
    subject: ['subject', 'ticket_subject', 'summary', 'title', 'issue_summary', 'ticket_name', 'short_description'],
    body: ['description', 'ticket_description', 'body', 'message', 'content', 'details', 'text', 'comment'],
    status: ['status', 'ticket_status', 'state'],
    priority: ['priority', 'ticket_priority', 'severity', 'urgency'],
    channel: ['channel', 'ticket_channel', 'via', 'source', 'origin', 'case_origin', 'contact_type', 'medium'],
    tags: ['tags', 'labels', 'tag', 'ticket_tags', 'ticket_type', 'type', 'issue_type', 'category'],
    // Jira Service Management's CSV: Custom field (Satisfaction).
    csat: ['csat', 'satisfaction_score', 'customer_satisfaction_rating', 'satisfaction_rating_score', 'satisfaction_rating', 'satisfaction', 'custom_field_satisfaction', 'csat_score', 'survey_results', 'rating'],
    request_ref: ['request_id', 'request_ref', 'ai_request_id', 'llm_request_id', 'related_request_id', 'request'],
    session_id: ['session_id', 'conversation_id', 'chat_id', 'chat_session_id', 'thread_id'],
  },
};

/**
 * Header names that say which kind a flat file holds, with weights: an id column named for the kind is strong
 * evidence; shared names (timestamp, user, status) say nothing and are absent.
 */
const KIND_SIGNALS: Record<RecordKind, Record<string, number>> = {
  requests: {
    request_id: 1, input: 1, prompt: 1, question: 0.5, query: 0.5, output: 1, completion: 1, response: 1, answer: 0.5,
    model: 1, model_name: 1, latency_ms: 1, latency: 1, duration_ms: 1, ttft_ms: 1, ttft: 1, prompt_tokens: 1,
    completion_tokens: 1, input_tokens: 1, output_tokens: 1, tokens_in: 1, tokens_out: 1, cost_usd: 1, cost: 0.5,
    error: 0.5, feature: 0.5, model_version: 1, gen_text: 1, end_to_end_latency_s: 1,
  },
  feedback: {
    feedback_id: 3, thumb: 2, thumbs: 2, vote: 2, rating: 1.5, stars: 1.5, star_rating: 1.5, nps: 2, score: 0.5, comment: 0.5,
    feedback: 1.5, feedback_type: 2, helpful: 1.5, preference: 1.5, rater_id: 1,
    // Survey tools' own names (Delighted's survey_type nps/csat/ces, SurveyMonkey's and Qualtrics' respondent ids).
    survey_type: 2, survey_id: 1, respondent_id: 1.5, nps_score: 2, csat_score: 1.5,
    // Typeform's CSV download (Submit Date (UTC), Network ID), SurveyMonkey's (Collector ID) and Qualtrics' (ResponseId).
    submit_date_utc: 1.5, network_id: 1, collector_id: 1.5, response_id: 1, responseid: 1.5, recorded_date: 1, recordeddate: 1,
  },
  tickets: {
    ticket_id: 3, ticket_number: 3, issue_key: 2, case_id: 2, subject: 1, ticket_subject: 2, priority: 1,
    ticket_priority: 2, requester: 1.5, requester_email: 1.5, customer_email: 1, solved_at: 1.5, resolved_at: 1,
    first_response_time: 1, first_response_at: 1, csat: 0.5, satisfaction_score: 1, customer_satisfaction_rating: 1,
    description: 0.5, ticket_description: 2, ticket_status: 2, channel: 0.5, ticket_channel: 2, tags: 0.3, via: 1,
    summary: 0.5,
  },
};

/** Names of a ticket's id: with a rating and no ticket content beside them, they name the ticket rated. */
const TICKET_ID_NAMES = ['ticket_id', 'ticket_number'];
/** Names of a rating's own id (the survey answer's), beside the id of the ticket it rates. */
const OWN_ID_NAMES = ['id', 'feedback_id', 'rating_id', 'response_id', 'survey_response_id', 'score_id', 'vote_id', 'survey_id'];
/** Ticket signals a rating of a ticket also carries (who answered, the score itself): not a ticket's content. */
const TICKET_PERSON_OR_RATING = ['requester', 'requester_email', 'customer_email', 'csat', 'satisfaction_score', 'customer_satisfaction_rating'];
/** Names of a survey answer's score. */
const RATING_NAMES = ['score', 'rating', 'stars', 'star_rating', 'csat', 'csat_score', 'satisfaction', 'satisfaction_score', 'nps', 'nps_score', 'thumb', 'thumbs', 'vote'];

/**
 * Evidence for each kind in a set of source paths (weights summed over the leaf names).
 * A feedback file with a `type` column of thumb/csat/nps values scores as feedback too.
 */
export function kindScores(paths: readonly string[], sample: readonly Record<string, unknown>[] = []): Record<RecordKind, number> {
  const names = new Set(paths.map((p) => normName(leafName(p))));
  const out: Record<RecordKind, number> = { requests: 0, feedback: 0, tickets: 0 };
  for (const kind of ['requests', 'feedback', 'tickets'] as const) {
    for (const n of names) out[kind] += KIND_SIGNALS[kind][n] ?? 0;
  }
  // Survey questions as column headers (Typeform, SurveyMonkey and Google Forms name each column by its question).
  for (const p of paths) if (!p.includes('.') && surveyQuestionKind(normName(p)) !== null) out.feedback += 1.5;
  // A request id is the record's own id only at the top level and beside a request's content; nested (a survey's
  // hidden field, a person property) or alone beside feedback or ticket fields, it points at a request the record is
  // about. Counted for requests, it tipped a survey export to requests, whose import then moved stored requests' times.
  const topLevelId = paths.some((p) => !p.includes('.') && normName(p) === 'request_id');
  const content = out.requests - (names.has('request_id') ? KIND_SIGNALS.requests.request_id! : 0);
  // (A lone `score` beside a top-level request id, 0.5, is not enough: shared/cases 16 is a requests file.)
  if (names.has('request_id') && (!topLevelId || (content <= 0 && out.feedback + out.tickets >= 1))) out.requests = content;
  // Likewise a ticket id is the record's own id only beside a ticket's content. Beside a rating and nothing of a
  // ticket, the record rates the ticket: a help desk's satisfaction survey (Zendesk's satisfaction_ratings, Gorgias'
  // satisfaction surveys, Nicereply's ratings). Counted for tickets, each rating was stored as a ticket under the
  // rated ticket's id, replacing the stored ticket's creation time with the rating's.
  // A ticket id is only read as a reference beside an id of the record's own (a file of ticket_id, created_at and csat
  // is tickets with their CSAT: shared/cases 01).
  const ticketIds = TICKET_ID_NAMES.filter((n) => names.has(n));
  if (ticketIds.length > 0 && OWN_ID_NAMES.some((n) => names.has(n)) && RATING_NAMES.some((n) => names.has(n))) {
    const content = out.tickets - [...ticketIds, ...TICKET_PERSON_OR_RATING].reduce((sum, n) => sum + (names.has(n) ? KIND_SIGNALS.tickets[n] ?? 0 : 0), 0)
      + (names.has('status') || names.has('state') ? 1 : 0);
    if (content < 1) {
      out.tickets = content;
      out.feedback += 2;
    }
  }
  const typeKey = paths.find((p) => ['type', 'kind', 'feedback_type'].includes(normName(p)));
  if (typeKey) {
    const vals = sample.map((r) => String(r[typeKey] ?? '').toLowerCase());
    if (vals.some((v) => ['thumb', 'thumbs', 'csat', 'nps', 'rating', 'comment', 'preference'].includes(v))) out.feedback += 3;
  }
  return out;
}

/** What a survey question written as a column header asks, by its words. */
export type SurveyQuestionKind = 'nps' | 'csat' | 'thumb' | 'rating' | 'comment';

/**
 * The kind of answer a column headed by a survey question holds: survey tools (Typeform's and SurveyMonkey's CSV
 * downloads, Google Forms' sheet) name each answer column by its question's text. Only headers of three or more words
 * are read this way, so short column names ("rate_limit", "comments_count") are not taken for questions.
 * - NPS: "How likely are you to recommend ... to a friend or colleague?" (Reichheld's question)
 * - CSAT: "How satisfied were you with ...?"
 * - thumb: "Was this answer helpful?"
 * - rating: "How would you rate ...?"
 * - comment: "Anything else?", "What could we improve?", "Any other comments?"
 * @param name - the header, normalised by normName ("how_likely_are_you_to_recommend_acme_to_a_friend")
 * @returns the kind, or null when the header is not a question Loupe reads
 */
export function surveyQuestionKind(name: string): SurveyQuestionKind | null {
  const words = name.split('_').filter(Boolean);
  if (words.length < 2) return null;
  if (/(^|_)anything_else|(^|_)any_other_(comments?|feedback|thoughts)|(^|_)what_could_we_(do|improve)|^(please_)?tell_us|(^|_)comments?_or_suggestions/.test(name)) return 'comment';
  if (words.length < 3) return null;
  if (/likely.*recommend|recommend.*(friend|colleague)/.test(name)) return 'nps';
  if (/^how_(satisfied|dissatisfied)|overall_satisfaction|satisfied_(were|are)_you/.test(name)) return 'csat';
  if (/^(was|is|were)_(it|this|that|the|our)(_\w+)*_helpful$|helpful_to_you$/.test(name)) return 'thumb';
  if (/^how_would_you_rate|^please_rate|^rate_(the|this|your|our)/.test(name)) return 'rating';
  return null;
}
