/**
 * A migration applied when an older workspace is opened is saved once (after the background read, or at close), so
 * the next open does not apply it again: migration 9 rebuilt the `requests_status` index at every open until the
 * first save (about 1 s at 1M requests).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../testing/temp';
import { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { LATEST_VERSION } from '.';

const { write, newWorkspace } = useTempWorkspaces('loupe-upgrade-');

/** `PRAGMA user_version` as stored in the file's header (bytes 60–63, big-endian). */
const versionOnDisk = (file: string) => fs.readFileSync(file).readUInt32BE(60);

/** A workspace file at schema 8 (before the status index), with requests in it. */
async function schema8(): Promise<string> {
  const ws = await newWorkspace();
  await runImport(ws, write('r.jsonl', Array.from({ length: 300 }, (_, i) => JSON.stringify({ request_id: `r${i}`, timestamp: '2026-01-02T00:00:00Z', input: 'q', output: 'a', status: i % 7 ? 'ok' : 'error' })).join('\n')), {});
  ws.db.exec(`DROP INDEX requests_status; DROP TRIGGER feedback_summary_update; DROP TRIGGER feedback_summary_delete;
    DROP TABLE feedback_summaries; DROP TABLE feedback_summaries_day; DROP TABLE feedback_summary_state;
      ALTER TABLE request_summaries DROP COLUMN status_n; ALTER TABLE request_summaries_day DROP COLUMN status_n;
      ALTER TABLE request_summaries DROP COLUMN status_counts; ALTER TABLE request_summaries_day DROP COLUMN status_counts;
      ALTER TABLE requests DROP COLUMN tokens_cache_write_1h_in; ALTER TABLE feedback DROP COLUMN measure; PRAGMA user_version = 8;`);
  ws.checkpoint();
  ws.close();
  expect(versionOnDisk(ws.file)).toBe(8);
  return ws.file;
}

const hasStatusIndex = (ws: Workspace) => ws.db.value<number>("SELECT count(*) FROM sqlite_master WHERE name = 'requests_status'");

describe('an upgrade made at open', () => {
  it('is saved once the background read has the file, so the next open applies nothing', async () => {
    expect(LATEST_VERSION).toBe(15);
    const file = await schema8();
    const ws = await Workspace.open(file);
    expect(hasStatusIndex(ws)).toBe(1);
    expect(ws.dirty).toBe(true);
    expect(versionOnDisk(file)).toBe(8); // open itself writes nothing (it stays fast)
    ws.loadInBackground(0);
    for (let i = 0; i < 100 && ws.dirty; i++) await new Promise((r) => setTimeout(r, 20));
    expect(ws.dirty).toBe(false);
    expect(versionOnDisk(file)).toBe(LATEST_VERSION);
    ws.close();
    const again = await Workspace.open(file);
    try {
      expect(again.dirty).toBe(false); // nothing applied again
      expect(hasStatusIndex(again)).toBe(1);
      expect(again.db.value('SELECT count(*) FROM requests')).toBe(300);
    } finally {
      again.close();
    }
  });

  it('is saved at close when the background read did not run (the CLI), and never by a read-only open', async () => {
    const file = await schema8();
    const ro = await Workspace.open(file, { readOnly: true });
    expect(hasStatusIndex(ro)).toBe(1);
    ro.close();
    expect(versionOnDisk(file)).toBe(8);
    const ws = await Workspace.open(file);
    ws.close();
    expect(versionOnDisk(file)).toBe(LATEST_VERSION);
    const bytes = fs.readFileSync(file);
    const again = await Workspace.open(file);
    expect(again.dirty).toBe(false);
    again.close();
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });
});
