/**
 * Survey answers exported as their choice text rather than their number. Survey tools let an export carry the text
 * a respondent clicked: Qualtrics' "Export with choice text" (the default of its CSV/TSV download, as opposed to
 * "Use numeric values"), SurveyMonkey's "Actual answer text" and Typeform's labelled scales write an NPS answer as
 * "10 - Extremely likely" or "0 - Not at all likely" and a rating as "5 = Very satisfied" or "4 (Satisfied)". The
 * answer's number is the one the respondent chose, so it is read from the text; the whole text stays as the row's
 * label. A choice text without a number ("Very satisfied") is read only when the whole column's labels are those of
 * one 5-point satisfaction scale ({@link satisfactionScaleOf}); otherwise its place on the scale depends on how many
 * points the question had, so it is refused with a message saying to export numeric values.
 */

/**
 * The whole-number answer at the head of a choice text: digits, then a separator (" - ", " = ", ": ", ". ", ")",
 * "(" or a space) and a label of words with no further digits, which rules out dates, ranges ("1-2") and
 * fractions ("4/5", "4 out of 5").
 */
const LEADING_ANSWER = /^\s*(\d{1,3})\s*(?:[-–—=:.)]\s*|\(\s*|\s+)(\p{L}[^\d]*)$/u;

/**
 * The end labels of the NPS question ("How likely is it that you would recommend..."), which survey tools print on
 * the 0 and 10 choices; an export of choice text can carry them alone (Reichheld 2003; Qualtrics' NPS question).
 */
const NPS_END_LABELS: Record<string, number> = { 'not at all likely': 0, 'extremely likely': 10 };

/**
 * The number a survey answer's choice text stands for.
 * @param raw - a cell's text, e.g. "10 - Extremely likely", "4 (Satisfied)", "Extremely likely"
 * @param nps - true for an NPS answer (the end labels alone are read as 0 and 10)
 * @returns the whole number chosen, or null when the text carries none (then the caller refuses the row)
 */
export function answerFromChoiceText(raw: unknown, nps: boolean): number | null {
  if (typeof raw !== 'string') return null;
  const m = LEADING_ANSWER.exec(raw);
  if (m) return Number(m[1]);
  if (nps) {
    const end = NPS_END_LABELS[raw.trim().toLowerCase().replace(/\s+/g, ' ')];
    if (end !== undefined) return end;
  }
  return null;
}

/**
 * Whether a text looks like a scale's choice label without its number ("Very satisfied", "Somewhat likely"), for
 * the refusal's hint: words only, short.
 */
export function looksLikeChoiceLabel(raw: unknown): boolean {
  return typeof raw === 'string' && /^\s*\p{L}[\p{L}\s'’-]{2,40}$/u.test(raw);
}

/**
 * The two 5-point satisfaction scales survey tools print as choice text (SurveyMonkey's CSAT question template and
 * Qualtrics' "Satisfaction" 5-point scale; Google Forms and Typeform users type the same words): "Very satisfied …
 * Very dissatisfied" with "Satisfied"/"Dissatisfied", or with "Somewhat satisfied"/"Somewhat dissatisfied". A column
 * whose answers all fall on one of them is a 1-5 rating read from the words (5 = very satisfied). A column with any
 * other label ("Extremely satisfied", of the 7-point scale) is not guessed (see the module comment).
 */
const SATISFACTION_SCALES: ReadonlyArray<Readonly<Record<string, number>>> = [
  { 'very satisfied': 5, satisfied: 4, 'neither satisfied nor dissatisfied': 3, neutral: 3, dissatisfied: 2, 'very dissatisfied': 1, unsatisfied: 2, 'very unsatisfied': 1 },
  { 'very satisfied': 5, 'somewhat satisfied': 4, 'neither satisfied nor dissatisfied': 3, neutral: 3, 'somewhat dissatisfied': 2, 'very dissatisfied': 1 },
];

const labelKey = (v: string) => v.trim().toLowerCase().replace(/[\s_]+/g, ' ').replace(/[.!]+$/, '');

/**
 * The satisfaction scale a column's label answers fall on, when every one of them (numbers aside) is a label of one
 * of {@link SATISFACTION_SCALES}.
 * @param values - the column's values in the first records
 * @returns label (lower case, single spaces) → 1-5, or null when some label is on neither scale or there is none
 */
export function satisfactionScaleOf(values: readonly unknown[]): Readonly<Record<string, number>> | null {
  const labels = new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== '' && !/^\s*\d/.test(v)).map(labelKey));
  if (labels.size === 0) return null;
  return SATISFACTION_SCALES.find((scale) => [...labels].every((l) => scale[l] !== undefined)) ?? null;
}

/** The 1-5 answer a satisfaction label stands for on `scale` (see {@link satisfactionScaleOf}), or null. */
export function satisfactionAnswer(raw: unknown, scale: Readonly<Record<string, number>>): number | null {
  return typeof raw === 'string' ? scale[labelKey(raw)] ?? null : null;
}
