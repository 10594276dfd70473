/**
 * Qualtrics survey responses, CSV/TSV download (Qualtrics Support, "Export data": "Download data table"; the columns
 * of its "Understanding your dataset" page): StartDate, EndDate, Status, IPAddress, Progress, Duration (in seconds),
 * Finished, RecordedDate, ResponseId, the recipient and location columns, then one column per question under its
 * export tag (Q1, Q2_1, …), with the question texts and an ImportId/time-zone row as two more header rows
 * (survey-header.ts skips them, counts them, reads the export tags by their question texts and takes the declared
 * zone).
 *
 * Each row is read as the generic wide feedback file it is (one feedback row per answered question: NPS, CSAT,
 * comment), id ResponseId, time RecordedDate (when the response was recorded, not StartDate). Rows whose Status is
 * not a real respondent's are skipped and counted: Survey Preview (1), Survey Test (2), Spam (8), Survey Preview
 * Spam (9), Imported Spam (12), Offline Survey Preview (17), by code or by the choice text Qualtrics writes for them.
 */
import { hasKeys, share, type Preset } from './common';

/** Status codes (and their choice texts) that are no respondent's answers. */
const NOT_RESPONSES: Record<string, string> = {
  '1': 'Survey Preview', '2': 'Survey Test', '8': 'Spam', '9': 'Survey Preview Spam', '12': 'Imported Spam', '17': 'Offline Survey Preview',
};
const NOT_RESPONSE_TEXTS = new Set(Object.values(NOT_RESPONSES).map((t) => t.toLowerCase()));

export const qualtrics: Preset = {
  name: 'qualtrics',
  label: 'Qualtrics survey responses (CSV/TSV download)',
  kind: 'feedback',
  unit: 'responses',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'ResponseId') && (hasKeys(r, 'RecordedDate') || hasKeys(r, 'Finished')) && hasKeys(r, 'Status')) * 0.95;
  },
  skip(r) {
    const v = r.Status;
    if (v === undefined || v === null) return null;
    const t = String(v).trim();
    const named = NOT_RESPONSES[t] ?? (NOT_RESPONSE_TEXTS.has(t.toLowerCase()) ? t : undefined);
    return named === undefined ? null : `Qualtrics ${named} response (Status ${t}): not a respondent's answer`;
  },
  kinds: { feedback: { fields: { id: 'ResponseId', ts: 'RecordedDate' } } },
  notes: ['Qualtrics responses: one feedback row per answered question, read by its question text; RecordedDate as the time; previews, tests and spam (by Status) skipped and counted'],
};
