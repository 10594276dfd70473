/**
 * How the import preview prints values: numbers as people write them. A stored double such as
 * 0.0007180499999999999 (binary floating-point noise from a sum of prices) prints 0.00071805; integers print whole.
 */

/**
 * A number as a person writes it: integers exactly; other numbers rounded to 6 significant digits, or to 2 decimals
 * for magnitudes of a million and more, with trailing zeros dropped.
 */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const intDigits = Math.abs(n) >= 1 ? Math.floor(Math.log10(Math.abs(n))) + 1 : 0;
  const digits = intDigits >= 7 ? intDigits + 2 : Math.max(6, intDigits + 2);
  return String(Number(n.toPrecision(Math.min(digits, 17))));
}

/** A preview cell: text as is (cut at 120 characters), numbers by {@link plainNumber}, objects as JSON. */
export function previewText(v: unknown, max = 120): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? plainNumber(v) : typeof v === 'object' ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Number(plainNumber(x)) : x)) : String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
