/**
 * Reports and edge-case exports cannot be reordered by a bidirectional control in a note, tag or model output:
 * Markdown, HTML and CSV show it as ⟨U+202E⟩; JSON keeps the value, escaped as \u202e.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RenderedFile } from '../../../shared/review-types';
import { StoreService } from '../handlers';
import { Workspace } from '../workspace';
import { insertSynthetic } from './test-fixtures';

const dirs: string[] = [];
afterEach(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

describe('exports with bidirectional controls', () => {
  it('show them in md/html/csv and escape them in JSON (same value)', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bidi-'));
    dirs.push(d);
    const file = path.join(d, 'w.sqlite');
    const ws = await Workspace.open(file, { create: true });
    insertSynthetic(ws.db, { n: 200, seed: 3 });
    ws.db.run("UPDATE requests SET output = 'see safe\u202Egnp.exe'");
    ws.checkpoint();
    ws.close();
    const svc = new StoreService(() => undefined, { checkpointIdleMs: 3_600_000 });
    try {
      await svc.dispatch('internal.open', { path: file });
      await svc.dispatch('review.setReviewer', { name: 'Ada' });
      const q = await svc.dispatch('queues.create', { week: '2026-W47', size: 5, seed: 1 });
      const tag = await svc.dispatch('tags.create', { name: 'spoof\u202Etxt.exe' });
      await svc.dispatch('review.submit', { queue_id: q.queue_id, position: 1, verdicts: { correct: 'fail', safe: 'fail', helpful: 1 }, tag_ids: [tag.id], note: 'renamed to safe\u202Egnp.exe' });
      for (const format of ['md', 'html', 'csv', 'json'] as const) {
        const r = await svc.dispatch('report.weekly', { queue_id: q.queue_id, format, paper: 'a4' });
        expect(r.text, format).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
        if (format === 'json') {
          expect(r.text).toContain('safe\\u202egnp.exe');
          expect(JSON.stringify(JSON.parse(r.text))).toContain('safe\u202Egnp.exe');
        } else {
          // CSV holds the report's numbers and labels (the tag), Markdown and HTML its text (outputs, notes) too.
          expect(r.text, format).toContain(format === 'csv' ? 'spoof⟨U+202E⟩txt.exe' : 'safe⟨U+202E⟩gnp.exe');
        }
      }
      for (const format of ['jsonl', 'csv'] as const) {
        const r = await svc.dispatch('edgeCases.export', { filter: {}, format }) as RenderedFile;
        expect(r.count).toBe(1);
        expect(r.text).not.toMatch(/[\u202A-\u202E]/);
        expect(r.text).toContain(format === 'csv' ? 'spoof⟨U+202E⟩txt.exe' : 'spoof\\u202etxt.exe');
      }
    } finally {
      svc.close();
    }
  });
});
