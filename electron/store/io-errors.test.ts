import { describe, expect, it } from 'vitest';
import type { LoupeError } from '../../shared/errors';
import { asWriteError, writeError } from './io-errors';

const sys = (code: string) => Object.assign(new Error(`${code}: system message`), { code });

describe('write errors a user can act on', () => {
  it('maps ENOSPC, EDQUOT, EROFS, EACCES and EPERM to a code, a message naming the file and what is safe, and the next step', () => {
    const file = '/data/w.sqlite.loupe-journal';
    const full = writeError(sys('ENOSPC'), file, 'decision') as LoupeError;
    expect(full.toData()).toEqual({
      code: 'DISK_FULL',
      message: 'This change was not saved: the disk holding /data is full (ENOSPC). Everything confirmed before it is on disk.',
      action: 'Free some space on that disk, then try again.',
      details: { errno: 'ENOSPC', file },
    });
    expect((writeError(sys('EDQUOT'), file, 'save') as LoupeError).code).toBe('DISK_FULL');
    const ro = writeError(sys('EROFS'), '/data/w.sqlite', 'save') as LoupeError;
    expect(ro.code).toBe('READ_ONLY');
    expect(ro.message).toBe('The workspace could not be saved: the disk holding /data is read-only (EROFS). Nothing confirmed was lost: the file on disk is the last good save and every confirmed decision is in the journal beside it.');
    for (const c of ['EACCES', 'EPERM']) {
      const e = writeError(sys(c), '/data/w.sqlite.loupe-lock', 'lock') as LoupeError;
      expect(e.code).toBe('PERMISSION_DENIED');
      expect(e.message).toBe(`The workspace could not be locked for writing: permission denied writing /data/w.sqlite.loupe-lock (${c}). Nothing was written.`);
      expect(e.action).toBe('Give your user write access to /data and the workspace files in it, or copy the workspace to a folder you own.');
    }
  });

  it('never reports an unknown write error as a bare INTERNAL without saying what was kept', () => {
    const e = asWriteError(sys('EIO'), '/data/w.sqlite', 'save');
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe('The workspace could not be saved: EIO: system message. Nothing confirmed was lost: the file on disk is the last good save and every confirmed decision is in the journal beside it.');
    expect(e.details).toEqual({ errno: 'EIO', file: '/data/w.sqlite' });
  });
});
