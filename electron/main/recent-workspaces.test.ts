import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addRecent, clearRecent, MAX_RECENT, readRecent } from './recent-workspaces';

describe('recent workspaces', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-recent-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a missing or malformed file as empty', () => {
    expect(readRecent(dir)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'recent.json'), '{not json');
    expect(readRecent(dir)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'recent.json'), JSON.stringify({ recent: ['relative.sqlite', 42, '/abs/a.sqlite'] }));
    expect(readRecent(dir)).toEqual(['/abs/a.sqlite']);
  });

  it('keeps the newest first, without duplicates, capped at MAX_RECENT', () => {
    addRecent(dir, '/w/a.sqlite');
    addRecent(dir, '/w/b.sqlite');
    expect(addRecent(dir, '/w/a.sqlite')).toEqual(['/w/a.sqlite', '/w/b.sqlite']);
    for (let i = 0; i < 15; i++) addRecent(dir, `/w/n${i}.sqlite`);
    const list = readRecent(dir);
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toBe('/w/n14.sqlite');
    expect(list.at(-1)).toBe('/w/n5.sqlite');
    expect(fs.readdirSync(dir)).toEqual(['recent.json']);
    clearRecent(dir);
    expect(readRecent(dir)).toEqual([]);
  });
});
