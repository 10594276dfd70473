import fs from 'node:fs';
import { it } from 'vitest';
import { Workspace } from '../workspace';
import { buildWeeklyReport, renderText, renderReportPdf } from './index';
it('prof', async () => {
  fs.copyFileSync('/tmp/rpt-bench/bench-100000.sqlite', '/tmp/rpt/b.sqlite');
  const ws = await Workspace.open('/tmp/rpt/b.sqlite', {});
  const last = ws.db.value<number>('SELECT max(ts) FROM requests')!;
  const { isoWeekLabel } = await import('../metrics/common');
  const week = isoWeekLabel(last, 'UTC');
  for (let k = 0; k < 2; k++) {
    const r = buildWeeklyReport(ws, { week }, Date.now() + k * 7200e3);
    const t: Record<string, number> = {};
    for (const f of ['md', 'html', 'csv', 'json'] as const) { const t0 = performance.now(); renderText(r, f); t[f] = Math.round(performance.now() - t0); }
    const t0 = performance.now(); await renderReportPdf(r, 'a4'); t.pdf = Math.round(performance.now() - t0);
    console.log(week, JSON.stringify(Object.fromEntries(Object.entries(r.timings).map(([a, b]) => [a, Math.round(b)]))), JSON.stringify(t));
  }
  ws.close();
}, 300000);
