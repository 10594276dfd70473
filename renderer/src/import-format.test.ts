import { describe, expect, it } from 'vitest';
import { plainNumber, previewText } from './import-format';

describe('preview numbers', () => {
  it('prints numbers as people write them', () => {
    expect(plainNumber(0.0007180499999999999)).toBe('0.00071805');
    expect(plainNumber(0.1 + 0.2)).toBe('0.3');
    expect(plainNumber(1234.5)).toBe('1234.5');
    expect(plainNumber(812.5)).toBe('812.5');
    expect(plainNumber(1771927200000)).toBe('1771927200000');
    expect(plainNumber(1234567.891)).toBe('1234567.89');
    expect(plainNumber(2.5e-9)).toBe('2.5e-9');
    expect(previewText({ cost: 0.0038000000000000004, n: 3 })).toBe('{"cost":0.0038,"n":3}');
    expect(previewText('x'.repeat(130))).toBe(`${'x'.repeat(120)}…`);
  });
});
