import { describe, expect, it } from 'vitest';
import { escapeBidiInJson, exportWithVisibleBidi, hasBidiControls, showBidiControls } from './bidi';

describe('bidirectional controls', () => {
  it('are shown as ⟨U+XXXX⟩: overrides, embeddings and isolates; the marks of ordinary RTL text are left', () => {
    expect(showBidiControls('safe\u202Egnp.exe')).toBe('safe⟨U+202E⟩gnp.exe');
    expect(showBidiControls('\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069')).toBe('⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩⟨U+2066⟩⟨U+2067⟩⟨U+2068⟩⟨U+2069⟩');
    expect(showBidiControls('שלום\u200F world')).toBe('שלום\u200F world');
    expect(hasBidiControls('plain')).toBe(false);
  });

  it('are escaped in JSON so the value is unchanged', () => {
    const json = JSON.stringify({ name: 'safe\u202Egnp.exe' });
    const safe = escapeBidiInJson(json);
    expect(safe).toBe('{"name":"safe\\u202egnp.exe"}');
    expect(JSON.parse(safe)).toEqual({ name: 'safe\u202Egnp.exe' });
    expect(exportWithVisibleBidi(json, 'application/json')).toBe(safe);
    expect(exportWithVisibleBidi('a,safe\u202Egnp.exe', 'text/csv')).toBe('a,safe⟨U+202E⟩gnp.exe');
  });
});
