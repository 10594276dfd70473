import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from './testing/temp';
import { runImport } from './import/pipeline';
import { queryTickets } from './queries';

const { write, newWorkspace } = useTempWorkspaces('loupe-queries-');

describe('tickets grid sort', () => {
  it('puts tickets without the sorted field last in both directions', async () => {
    const ws = await newWorkspace();
    const csv = ['ticket_id,created_at,subject,status,satisfaction', 't-1,2026-03-02T09:00:00Z,a,open,5', 't-2,,b,open,', 't-3,2026-03-03T09:00:00Z,c,solved,2', 't-4,,d,open,4'].join('\n');
    const s = await runImport(ws, write('tickets.csv', `${csv}\n`), { kind: 'tickets' });
    expect(s).toMatchObject({ kind: 'tickets', inserted: 4, rejected: 0 });
    const ids = (column: 'created_ts' | 'csat', desc: boolean) => queryTickets(ws.db, { limit: 10, offset: 0, filter: {}, sort: { column, desc } } as never).rows.map((r) => r.id);
    expect(ids('created_ts', false)).toEqual(['t-1', 't-3', 't-2', 't-4']);
    expect(ids('created_ts', true)).toEqual(['t-3', 't-1', 't-4', 't-2']);
    expect(ids('csat', false)).toEqual(['t-3', 't-4', 't-1', 't-2']);
  });
});
