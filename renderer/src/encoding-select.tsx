/**
 * A select of text encodings for an import file: "Detect" (the default: byte-order mark, UTF-8, else chardet's
 * candidates that read as words) or one named encoding, which the import then uses for the whole file. The names
 * are WHATWG encoding labels, which the store's decoder (TextDecoder) accepts.
 */

/** Encodings offered, by region: the ones export tools and spreadsheets write. */
export const ENCODINGS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'utf-16le', label: 'UTF-16 LE' },
  { value: 'utf-16be', label: 'UTF-16 BE' },
  { value: 'windows-1252', label: 'Western (Windows-1252, ISO-8859-1)' },
  { value: 'iso-8859-15', label: 'Western (ISO-8859-15)' },
  { value: 'windows-1250', label: 'Central European (Windows-1250)' },
  { value: 'iso-8859-2', label: 'Central European (ISO-8859-2)' },
  { value: 'windows-1251', label: 'Cyrillic (Windows-1251)' },
  { value: 'koi8-r', label: 'Cyrillic (KOI8-R)' },
  { value: 'koi8-u', label: 'Cyrillic (KOI8-U)' },
  { value: 'windows-1253', label: 'Greek (Windows-1253)' },
  { value: 'iso-8859-7', label: 'Greek (ISO-8859-7)' },
  { value: 'windows-1254', label: 'Turkish (Windows-1254, ISO-8859-9)' },
  { value: 'windows-1255', label: 'Hebrew (Windows-1255)' },
  { value: 'windows-1256', label: 'Arabic (Windows-1256)' },
  { value: 'windows-1257', label: 'Baltic (Windows-1257)' },
  { value: 'windows-1258', label: 'Vietnamese (Windows-1258)' },
  { value: 'windows-874', label: 'Thai (Windows-874)' },
  { value: 'shift_jis', label: 'Japanese (Shift_JIS)' },
  { value: 'euc-jp', label: 'Japanese (EUC-JP)' },
  { value: 'gb18030', label: 'Chinese simplified (GB18030, GBK)' },
  { value: 'big5', label: 'Chinese traditional (Big5)' },
  { value: 'euc-kr', label: 'Korean (EUC-KR)' },
];

/**
 * The select. `value` is the chosen encoding, or undefined for "Detect"; `detected` (the preview's encoding) is
 * named in the Detect option and offered even when it is not in {@link ENCODINGS}.
 */
export function EncodingSelect({ value, detected, onChange }: {
  value: string | undefined; detected: string | null; onChange: (encoding: string | undefined) => void;
}) {
  const extra = detected !== null && !ENCODINGS.some((e) => e.value === detected) ? [{ value: detected, label: detected }] : [];
  return (
    <select value={value ?? ''} aria-label="Encoding" data-testid="pv-encoding" onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
      <option value="">{value === undefined && detected !== null ? `Detect (${detected})` : 'Detect'}</option>
      {[...extra, ...ENCODINGS].map((e) => <option key={e.value} value={e.value}>{e.label}</option>)}
    </select>
  );
}
