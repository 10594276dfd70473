import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertTime } from './alerts-commands';
import { loupe } from './run-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-alerts-'));
const ws = path.join(dir, 'demo.sqlite');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loupe alerts', () => {
  beforeAll(() => {
    const r = loupe('demo', '--workspace', ws);
    if (r.code !== 0) throw new Error(`loupe demo failed: ${r.stderr}`);
  }, 120_000);

  it('--json prints the public fields of every alert; times are ISO 8601 UTC; exit 0', () => {
    const r = loupe('alerts', '--workspace', ws, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { alerts: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(['alerts']);
    expect(out.alerts).toHaveLength(12);
    for (const a of out.alerts) {
      expect(Object.keys(a)).toEqual(['rule', 'metric', 'bucket_start', 'bucket', 'group', 'value', 'baseline', 'threshold', 'state', 'runbook']);
      expect(a.bucket_start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    const spike = out.alerts.find((a) => a.rule === 'error_rate' && a.bucket === '2026-09-30' && JSON.stringify(a.group) === '{"feature":"search-answer"}')!;
    expect(spike).toMatchObject({ metric: 'error_rate', bucket_start: '2026-09-30T00:00:00.000Z', state: 'open', runbook: { title: 'High error rate' } });
    expect(spike.value as number).toBeCloseTo(10 / 56, 12);
    expect((spike.runbook as { steps: string[] }).steps).toHaveLength(4);
    expect(out.alerts.filter((a) => a.group === null).map((a) => `${a.rule} ${a.bucket}`).sort())
      .toEqual(['daily_cost 2026-10-27', 'error_rate 2026-09-30', 'negative_feedback 2026-W45', 'p95_latency 2026-09-17']);
    // In time order.
    const starts = out.alerts.map((a) => a.bucket_start as string);
    expect([...starts].sort()).toEqual(starts);
  });

  it('--from and --to narrow by bucket start; a range without alerts still exits 0', () => {
    const w40 = JSON.parse(loupe('alerts', '--workspace', ws, '--from', '2026-09-28', '--to', '2026-10-05', '--json').stdout) as { alerts: Array<{ rule: string }> };
    expect(w40.alerts.map((a) => a.rule)).toEqual(['error_rate', 'error_rate', 'error_rate', 'error_rate']);
    const quiet = loupe('alerts', '--workspace', ws, '--from', '2026-10-05T00:00:00Z', '--to', '2026-10-12T00:00:00Z', '--json');
    expect(quiet.code).toBe(0);
    expect(JSON.parse(quiet.stdout)).toEqual({ alerts: [] });
    const text = loupe('alerts', '--workspace', ws, '--from', '2026-10-27', '--to', '2026-10-28');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^2026-10-27 {2}daily_cost {2}all traffic {2}\[open\]\n {2}Cost \$0\.8800 against/);
    expect(text.stdout).toContain('Runbook: Cost spike: Identify the source');
  });

  it('exit 2 on bad usage, 1 on a workspace that cannot be opened', () => {
    expect(loupe('alerts').code).toBe(2);
    const bad = loupe('alerts', '--workspace', ws, '--from', 'last tuesday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from expects an ISO 8601 date or time/);
    expect(loupe('alerts', '--workspace', ws, '--from', '2026-10-05', '--to', '2026-10-01').code).toBe(2);
    const missing = loupe('alerts', '--workspace', path.join(dir, 'nope.sqlite'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not found/);
    expect(fs.existsSync(path.join(dir, 'nope.sqlite'))).toBe(false);
  });

  it('reads a bare date in the workspace time zone', () => {
    expect(parseAlertTime('2026-09-30', 'UTC')).toBe(Date.UTC(2026, 8, 30));
    expect(parseAlertTime('2026-09-30', 'Europe/Berlin')).toBe(Date.UTC(2026, 8, 29, 22));
    expect(parseAlertTime('2026-09-30T12:00:00Z', 'Europe/Berlin')).toBe(Date.UTC(2026, 8, 30, 12));
    expect(parseAlertTime('yesterday', 'UTC')).toBeNull();
  });
});
