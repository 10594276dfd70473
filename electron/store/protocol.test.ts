import { describe, expect, it } from 'vitest';
import { slowCallWarning } from './protocol';

describe('slow store call warnings', () => {
  it('are given for contract methods over 1 s only, never for internal open/close/checkpoint/import', () => {
    expect(slowCallWarning('requests.query', 1500.4)).toBe('slow store call requests.query: 1500 ms');
    expect(slowCallWarning('requests.query', 1000)).toBeNull();
    for (const m of ['internal.open', 'internal.close', 'internal.checkpoint', 'internal.importFileWait']) expect(slowCallWarning(m, 1209)).toBeNull();
  });
});
