import fs from 'node:fs';
import { it } from 'vitest';
import { Workspace } from '../workspace';
import { buildWeeklyReport } from './build';
it('scratch', async () => {
  fs.copyFileSync('/tmp/rpt-demo.sqlite', '/tmp/rpt/w.sqlite');
  const ws = await Workspace.open('/tmp/rpt/w.sqlite', {});
  for (const w of ['2026-W45', '2026-W40', '2026-W43']) {
    const r = buildWeeklyReport(ws, { week: w }, Date.UTC(2026, 11, 1));
    console.log(w, JSON.stringify(r.summary.map((f) => [f.weight, f.text]), null, 1), r.timings);
    fs.writeFileSync(`/tmp/rpt/${w}.json`, JSON.stringify(r, null, 1));
  }
  ws.close();
}, 120000);
