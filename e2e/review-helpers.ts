/**
 * The weekly-review flow the review e2e specs share (browser mode, keyboard only): create a queue from the "New
 * queue" form, set the reviewer name, review items with the rubric keys, tag two of them with a tag created on the
 * review screen, and read back the decisions, exports and report after a restart.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** One review as the test entered it. */
export interface Entered {
  position: number;
  requestId: string;
  verdicts: { correct: 'pass' | 'fail'; helpful: number; tone: string; safe: 'pass' | 'fail' };
  tag: string | null;
  note: string;
}

declare global { interface Window { __loupeReviewTimings?: number[] } }

const TONES = ['appropriate', 'too terse', 'too verbose', 'rude or condescending'];

/** Presses Tab until the focused element has the given accessible label (aria-label); fails after 30 presses. */
export async function tabTo(page: Page, label: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const now = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    if (now === label) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the field labelled "${label}"`);
}

/** Replaces the text of the focused field by typing (select all, then type). */
export async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
}

/**
 * Creates a queue with the keyboard: `n` focuses the form, Tab moves between fields, Enter submits; then Enter on
 * "Start reviewing" and the reviewer name (asked once per workspace).
 * @param o.strataKey - how many ArrowDown presses on the strata select from "None" (feature 1, model 2, …)
 */
export async function createQueueByKeyboard(page: Page, o: { week: string; size: number; strataDowns: number; strataValue: string; lowScore?: number }): Promise<void> {
  await page.keyboard.press('g');
  await page.keyboard.press('v');
  await expect(page.getByRole('tab', { name: 'Queues' })).toHaveAttribute('aria-selected', 'true');
  // A user presses `n` once the form is on screen; on a busy machine its fields arrive after the tab.
  await expect(page.getByLabel('Period')).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByLabel('Period')).toBeFocused();
  await tabTo(page, 'ISO week');
  // The default is the latest ISO week that has requests, in the workspace zone.
  await expect(page.getByLabel('ISO week')).toHaveValue(o.week);
  await tabTo(page, 'Size');
  await retype(page, String(o.size));
  await tabTo(page, 'Strata field');
  await page.keyboard.press('Home');
  for (let i = 0; i < o.strataDowns; i++) await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Strata field')).toHaveValue(o.strataValue);
  if (o.lowScore !== undefined) {
    await tabTo(page, 'Share for low score (%)');
    await retype(page, String(o.lowScore));
  }
  await tabTo(page, 'Seed');
  await retype(page, '7');
  await page.keyboard.press('Enter');
  const created = page.getByTestId('queue-created');
  await expect(created).toBeVisible();
  await expect(page.getByRole('button', { name: /Start reviewing/ })).toBeFocused();
}

/** Answers the reviewer-name form that appears before the first review. */
export async function setReviewerByKeyboard(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId('reviewer-form')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Reviewer name' })).toBeFocused();
  await page.keyboard.type(name);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('review-screen')).toBeVisible();
}

/** The position and request id of the item on screen. */
export async function current(page: Page): Promise<{ position: number; requestId: string }> {
  const item = page.getByTestId('review-item');
  await expect(item).not.toHaveAttribute('data-position', '');
  const position = Number(await item.getAttribute('data-position'));
  const requestId = (await page.getByTestId('item-request-id').textContent())!.trim();
  return { position, requestId };
}

/**
 * Reviews the item on screen with keys only: p/f, ↓, a scale digit, ↓, a category digit, ↓, p/f (a verdict key never
 * moves to the next criterion by itself); optionally a tag (created inline when `createTag` is set) and a note; Enter
 * submits. Waits for the store's confirmation.
 */
export async function reviewOne(page: Page, i: number, o: { tag?: string; createTag?: { description: string } }): Promise<Entered> {
  const { position, requestId } = await current(page);
  const verdicts: Entered['verdicts'] = {
    correct: i % 3 === 1 ? 'fail' : 'pass', helpful: (i % 5) + 1, tone: TONES[i % 3]!, safe: i === 4 ? 'fail' : 'pass',
  };
  await page.keyboard.press(verdicts.correct === 'pass' ? 'p' : 'f');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(String(verdicts.helpful));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(String(TONES.indexOf(verdicts.tone) + 1));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(verdicts.safe === 'pass' ? 'p' : 'f');
  await expect(page.getByTestId('criterion-correct')).toHaveAttribute('data-value', verdicts.correct);
  await expect(page.getByTestId('criterion-helpful')).toHaveAttribute('data-value', String(verdicts.helpful));
  await expect(page.getByTestId('criterion-tone')).toHaveAttribute('data-value', verdicts.tone);
  await expect(page.getByTestId('criterion-safe')).toHaveAttribute('data-value', verdicts.safe);
  if (o.tag) {
    await page.keyboard.press('t');
    await expect(page.getByLabel('Add tag')).toBeFocused();
    if (o.createTag) {
      // Enter on "Create tag" creates the tag at once; its description is set on the Tags tab (setTagDescription).
      await page.keyboard.type(o.tag);
      await expect(page.getByRole('option', { name: new RegExp(`Create tag.*${o.tag}`) })).toBeVisible();
      await page.keyboard.press('Enter');
    } else {
      await page.keyboard.type(o.tag.slice(0, 5));
      await expect(page.getByRole('option', { name: new RegExp(o.tag) })).toBeVisible();
      await page.keyboard.press('Enter');
    }
    await expect(page.getByTestId('tag-picker').getByTestId('tag-chip')).toHaveText([new RegExp(o.tag)]);
    await expect(page.getByLabel('Add tag')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByLabel('Add tag')).not.toBeFocused();
  }
  const note = `Note ${i + 1} on ${requestId}: checked by keyboard`;
  await page.keyboard.press('n');
  await expect(page.getByLabel('Note')).toBeFocused();
  await page.keyboard.type(note);
  // Escape leaves the note: focus is never trapped there.
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Note')).not.toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('save-status')).toContainText(`Saved review of #${position}`);
  return { position, requestId, verdicts, tag: o.tag ?? null, note };
}

/** On the Tags tab (already open): gives the tag `name` its description through the row's Edit form. */
export async function setTagDescription(page: Page, name: string, description: string): Promise<void> {
  const row = page.locator(`[data-testid="tag-row"][data-tag="${name}"]`);
  await row.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Tag description').fill(description);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(row).toContainText(description);
}

/** Reads a Playwright download to text. */
export async function downloadText(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  const p = await dl.path();
  return { name: dl.suggestedFilename(), text: fs.readFileSync(p, 'utf8') };
}

/** Median of numbers (ms). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Removes Chromium's notice that a script was refused in the sandboxed report preview. The preview holds no script;
 * the refused one is Playwright's own per-frame helper, injected into every new frame, which `sandbox=""` blocks —
 * the notice shows the sandbox at work. Every other console error still fails the test.
 */
export function dropSandboxNotices(errors: string[]): void {
  const notice = "console: Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed and the 'allow-scripts' permission is not set.";
  for (let i = errors.length - 1; i >= 0; i--) if (errors[i] === notice) errors.splice(i, 1);
}

/** The keys of a full review with the default rubric: Correct, Helpful, Tone, Safe, with ↓ between criteria. */
export function rubricKeys(correct: 'p' | 'f', helpful: string, tone: string, safe: 'p' | 'f'): string[] {
  return [correct, 'ArrowDown', helpful, 'ArrowDown', tone, 'ArrowDown', safe];
}
