/**
 * Qualtrics' CSV export writes three header rows: the column names, then a row of question texts, then a row of
 * `{"ImportId":"…","timeZone":"…"}` JSON, one per column (Qualtrics, "Export data": "Use legacy format" off; read
 * by R's qualtRics::read_survey, which skips the two rows). Read as data they are two bad records; they are skipped,
 * counted, and the ImportId row's time zone is the zone of the file's naive times. SurveyMonkey's CSV download writes
 * a second header row of answer types ("Response", "Open-Ended Response") under the questions; it is skipped too.
 */
import { IANAZone } from 'luxon';

/** The metadata rows found at the top of a sample, and the time zone they declare. */
export interface SurveyHeaderRows {
  /** JSON text of each metadata record (the question-text row and the ImportId row), as the reader gives them. */
  keys: ReadonlySet<string>;
  /** The IANA zone the ImportId cells declare for date columns, or null. */
  timeZone: string | null;
  /** The skip reason for those rows. */
  reason: string;
  /**
   * Qualtrics: each column's question text from the row above the ImportId row ("Q1" → "How likely are you to
   * recommend…?"), so export tags are read by their questions. Empty for other exports.
   */
  questions: ReadonlyMap<string, string>;
}

const IMPORT_ID = /^\s*\{\s*"ImportId"\s*:/;

/** The key a record is recognised by: its JSON text (the reader builds each record's keys in header order). */
export function recordKey(r: Record<string, unknown>): string {
  return JSON.stringify(r);
}

/**
 * Finds Qualtrics' metadata rows among the first records: the row where at least half the non-empty cells are
 * ImportId JSON, and the row of question texts just before it.
 * @returns the rows and zone, or null when the sample does not start that way
 */
export function surveyHeaderRows(sample: readonly Record<string, unknown>[]): SurveyHeaderRows | null {
  for (let i = 0; i < Math.min(2, sample.length); i++) {
    const cells = Object.values(sample[i]!).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (cells.length === 0 || cells.filter((c) => IMPORT_ID.test(c)).length < cells.length / 2) continue;
    let timeZone: string | null = null;
    for (const c of cells) {
      try {
        const z = (JSON.parse(c) as { timeZone?: unknown }).timeZone;
        if (typeof z === 'string' && IANAZone.isValidZone(z)) { timeZone = z; break; }
      } catch { /* a cell that is not JSON */ }
    }
    const keys = new Set([recordKey(sample[i]!)]);
    const questions = new Map<string, string>();
    if (i === 1) {
      keys.add(recordKey(sample[0]!));
      for (const [col, text] of Object.entries(sample[0]!)) if (typeof text === 'string' && text.trim() !== '' && text.trim() !== col) questions.set(col, text.trim());
    }
    return { keys, timeZone, questions, reason: 'Qualtrics header row (question texts, or ImportId and time zone), not a response' };
  }
  // SurveyMonkey's CSV download: a second header row naming each column's answer ("Response", "Open-Ended
  // Response", a choice's text for multiple-choice columns), empty under the respondent columns.
  const first = sample[0];
  if (first) {
    const cells = Object.values(first).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    const answerWords = cells.filter((c) => SURVEYMONKEY_SUBHEADER.test(c.trim())).length;
    const empty = Object.values(first).length - cells.length;
    if (cells.length > 0 && answerWords >= Math.max(1, cells.length / 2) && empty > 0) {
      return { keys: new Set([recordKey(first)]), timeZone: null, questions: new Map(), reason: 'SurveyMonkey header row (each column\'s answer type: Response, Open-Ended Response), not a response' };
    }
  }
  return null;
}

/** The cells of SurveyMonkey's second header row (its "Expanded" and "Condensed" CSV downloads). */
const SURVEYMONKEY_SUBHEADER = /^(Response|Open-Ended Response|Other \(please specify\)|Comment)$/i;
