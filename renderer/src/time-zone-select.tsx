/** A select of IANA time zones (the browser's own list, plus UTC, which some engines leave out). */
import { useMemo } from 'react';

/** The IANA zones this browser knows, sorted, UTC first. */
export function timeZones(): string[] {
  let zones: string[] = [];
  try { zones = Intl.supportedValuesOf('timeZone'); } catch { zones = []; }
  return ['UTC', ...zones.filter((z) => z !== 'UTC').sort()];
}

export function TimeZoneSelect({ value, onChange, label, id, disabled }: {
  value: string; onChange: (tz: string) => void; label: string; id?: string; disabled?: boolean;
}) {
  const zones = useMemo(() => {
    const z = timeZones();
    return z.includes(value) ? z : [value, ...z];
  }, [value]);
  return (
    <select id={id} value={value} aria-label={label} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {zones.map((z) => <option key={z} value={z}>{z}</option>)}
    </select>
  );
}
