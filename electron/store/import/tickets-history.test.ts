/**
 * Ticket exports seen in the wild: a Jira change history (one row per change, newest first) recognised as tickets
 * and kept at each issue's latest state; numbered tag columns; text whose line breaks are written as literal `\n`.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../testing/temp';
import { previewImport, runImport } from './pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-tickets-');

/** Jira's default date format: 05/Mar/26 2:15 PM. */
function jiraDate(ms: number): string {
  const d = new Date(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const h = d.getUTCHours() % 12 || 12;
  return `${String(d.getUTCDate()).padStart(2, '0')}/${mon}/${String(d.getUTCFullYear()).slice(2)} ${h}:${String(d.getUTCMinutes()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

describe('change histories', () => {
  it('a Jira export with one row per change, newest first, is recognised as tickets and keeps each issue\'s latest state', async () => {
    // 543 issues; each moves Open → In Progress → (Done, for most); one row per change with the state after it.
    const T0 = Date.UTC(2026, 0, 5, 9, 0);
    const rows: Array<Record<string, string>> = [];
    const latest = new Map<string, string>();
    for (let i = 0; i < 543; i++) {
      const key = `SUP-${1000 + i}`;
      const states = i % 10 === 0 ? ['Open', 'In Progress'] : ['Open', 'In Progress', 'In Progress', 'Done'];
      const created = T0 + i * 3_600_000;
      states.forEach((st, k) => {
        rows.push({ Summary: `Issue ${i}`, 'Issue key': key, 'Issue id': String(20000 + i), 'Issue Type': 'Bug', Status: st, Priority: k < 2 ? 'Medium' : 'High',
          Reporter: `user${i % 40}`, Created: jiraDate(created), Updated: jiraDate(created + k * 86_400_000), Resolved: st === 'Done' ? jiraDate(created + k * 86_400_000) : '',
          Labels: 'billing', Labels_: i % 2 ? 'refund' : '', Description: `Details of ${i}` });
      });
      latest.set(key, states[states.length - 1]!);
    }
    rows.sort((a, b) => Date.parse(jiraIso(b.Updated!)) - Date.parse(jiraIso(a.Updated!))); // newest first
    const csv = Papa.unparse(rows, { columns: ['Summary', 'Issue key', 'Issue id', 'Issue Type', 'Status', 'Priority', 'Reporter', 'Created', 'Updated', 'Resolved', 'Labels', 'Labels_', 'Description'] })
      .replace(/^(.*)Labels_(.*)$/m, '$1Labels$2'); // Jira repeats the Labels header
    const ws = await newWorkspace();
    const p = await previewImport(ws, write('jira.csv', csv), {});
    expect([p.preset, p.kind]).toEqual(['jira', 'tickets']);
    const s = await runImport(ws, write('jira.csv', csv), {});
    expect(s).toMatchObject({ kind: 'tickets', preset: 'jira', records_read: rows.length, rejected: 0, inserted: 543 });
    expect(s.inserted + s.updated + s.duplicates + s.duplicates_in_file + s.rejected + s.skipped).toBe(s.records_read);
    expect(s.notes.some((n) => n.startsWith(`change history: ${(rows.length - 543).toLocaleString('en-US')} row(s) repeat a ticket`) && n.includes('latest state by Updated'))).toBe(true);
    const stored = new Map(ws.db.all<{ id: string; status: string }>('SELECT id, status FROM tickets').map((r) => [r.id, r.status]));
    expect(stored).toEqual(latest);
    expect(ws.db.value("SELECT count(*) FROM tickets WHERE status = 'Open'")).toBe(0);
    const t = ws.db.get<Record<string, unknown>>("SELECT * FROM tickets WHERE id = 'SUP-1001'")!;
    expect(t).toMatchObject({ created_ts: T0 + 3_600_000, updated_ts: T0 + 3_600_000 + 3 * 86_400_000, resolved_ts: T0 + 3_600_000 + 3 * 86_400_000, priority: 'High', tags: '["billing","refund"]', requester: 'user1' });
    // Importing an older snapshot later does not take a ticket back to an older state.
    const old = Papa.unparse(rows.filter((r) => r['Issue key'] === 'SUP-1001' && r.Status === 'Open'));
    await runImport(ws, write('old.csv', old.replace(/^(.*)Labels_(.*)$/m, '$1Labels$2')), { preset: 'jira' });
    expect(ws.db.value("SELECT status FROM tickets WHERE id = 'SUP-1001'")).toBe('Done');
  });

  it('without a time, the later row of the file wins (stated)', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('t.csv', 'ticket_id,subject,status\nT-1,a,Open\nT-1,a,Closed\n'), {});
    expect(ws.db.value("SELECT status FROM tickets WHERE id = 'T-1'")).toBe('Closed');
    expect(s.notes).toContain('1 row(s) repeat an id from earlier in the file; rule: the last occurrence wins (listed as duplicate rows, not rejected)');
  });
});

function jiraIso(s: string): string {
  const m = /^(\d{2})\/(\w{3})\/(\d{2}) (\d{1,2}):(\d{2}) (AM|PM)$/.exec(s)!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[2]!);
  const h = (Number(m[4]) % 12) + (m[6] === 'PM' ? 12 : 0);
  return new Date(Date.UTC(2000 + Number(m[3]), mon, Number(m[1]), h, Number(m[5]))).toISOString();
}

describe('ticket exports seen in the wild', () => {
  it('tag_1 … tag_8 columns become the ticket\'s tags', async () => {
    const header = 'ticket_id,subject,created_at,tag_1,tag_2,tag_3,tag_4,tag_5,tag_6,tag_7,tag_8';
    const csv = `${header}\nT-1,Refund,2026-03-01T10:00:00Z,billing,refund,,,,,,vip\nT-2,Login,2026-03-01T11:00:00Z,,,,,,,,\n`;
    const ws = await newWorkspace();
    const s = await runImport(ws, write('tickets.csv', csv), {});
    expect(s).toMatchObject({ kind: 'tickets', inserted: 2, rejected: 0 });
    expect(s.notes).toContain('tags: the 8 columns tag_1 … tag_8 together');
    expect(ws.db.all('SELECT id, tags, extra FROM tickets ORDER BY id')).toEqual([
      { id: 'T-1', tags: '["billing","refund","vip"]', extra: null },
      { id: 'T-2', tags: null, extra: null },
    ]);
  });

  it('a text column with literal \\n and no real line break is offered for unescaping, and unescaped when chosen', async () => {
    const csv = 'ticket_id,subject,description\nT-1,Bill,Hello\\nI was charged twice.\\n\\nThanks\nT-2,Login,Cannot log in\nT-3,Other,"Line one\\nLine two"\n';
    const ws = await newWorkspace();
    const p = await previewImport(ws, write('t.csv', csv), {});
    expect(p.unescape_candidates).toEqual([{ field: 'body', rows: 2, of: 3 }]);
    const p2 = await previewImport(ws, write('t.csv', csv), { unescape_fields: ['body'] });
    expect(p2.unescape_candidates).toEqual([]);
    expect(p2.mapped[0]!.row.body).toBe('Hello\nI was charged twice.\n\nThanks');
    await runImport(ws, write('t.csv', csv), { unescape_fields: ['body'] });
    expect(ws.db.value("SELECT body FROM tickets WHERE id = 'T-3'")).toBe('Line one\nLine two');
    // A column that already holds real line breaks is not offered.
    const real = 'ticket_id,subject,description\nT-1,a,"x\ny"\nT-2,b,literal \\n here\n';
    expect((await previewImport(ws, write('r.csv', real), {})).unescape_candidates).toEqual([]);
  });
});
