/**
 * Prices: the workspace's dated price table (USD per million tokens) that costs requests whose source has no cost.
 * The grid (the shared DataGrid, filtered and sorted here: the table has tens of rows, not millions) lists every row
 * with how many stored requests it priced; the side panel edits, adds or deletes a row; a CSV or JSON price file can be
 * imported (all rows or none). Edits apply to imports from then on; stored costs keep the row they were priced with.
 */
import type { ColumnDef, PaginationState, SortingState } from '@tanstack/react-table';
import { useMemo, useRef, useState } from 'react';
import type { PriceInput, PriceRow } from '../../../shared/contract-prices';
import type { LoupeErrorData } from '../../../shared/errors';
import { parsePriceFile, type PriceFileError } from '../../../shared/price-file';
import { asErrorData } from '../api';
import { useApp, useStoreQuery } from '../app-context';
import { ErrorNote, SearchBox } from '../controls';
import { DataGrid, type GridColumnMeta } from '../data-grid';
import { DetailPanel } from '../detail-panel';
import { fmtInt } from '../format';

const usd = (v: number | null) => (v === null ? '—' : `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`);
const key = (r: { model: string; as_of: string }) => `${r.model}@${r.as_of}`;
const m = (label: string, extra: GridColumnMeta = {}): GridColumnMeta => ({ label, ...extra });

const COLUMNS: ColumnDef<PriceRow, unknown>[] = [
  { id: 'model', accessorKey: 'model', header: 'Model', size: 200, meta: m('Model', { grow: true }), cell: (c) => <span className="mono">{c.getValue() as string}</span> },
  { id: 'provider', accessorKey: 'provider', header: 'Provider', size: 90, meta: m('Provider') },
  { id: 'as_of', accessorKey: 'as_of', header: 'As of', size: 100, meta: m('As of (UTC day)'), cell: (c) => <span className="mono">{c.getValue() as string}</span> },
  { id: 'input_usd_per_mtok', accessorKey: 'input_usd_per_mtok', header: 'Input', size: 80, meta: m('Input', { align: 'right' }), cell: (c) => usd(c.getValue() as number) },
  { id: 'cached_input_usd_per_mtok', accessorKey: 'cached_input_usd_per_mtok', header: 'Cached in', size: 90, meta: m('Cached input', { align: 'right' }), cell: (c) => usd(c.getValue() as number | null) },
  { id: 'cache_write_usd_per_mtok', accessorKey: 'cache_write_usd_per_mtok', header: 'Cache write', size: 110, meta: m('Cache write', { align: 'right' }), cell: (c) => usd(c.getValue() as number | null) },
  { id: 'output_usd_per_mtok', accessorKey: 'output_usd_per_mtok', header: 'Output', size: 80, meta: m('Output', { align: 'right' }), cell: (c) => usd(c.getValue() as number) },
  { id: 'batch_input_usd_per_mtok', accessorKey: 'batch_input_usd_per_mtok', header: 'Batch in', size: 84, meta: m('Batch input', { align: 'right' }), cell: (c) => usd(c.getValue() as number | null) },
  { id: 'batch_output_usd_per_mtok', accessorKey: 'batch_output_usd_per_mtok', header: 'Batch out', size: 88, meta: m('Batch output', { align: 'right' }), cell: (c) => usd(c.getValue() as number | null) },
  { id: 'requests', accessorKey: 'requests', header: 'Requests', size: 86, meta: m('Requests priced', { align: 'right' }), cell: (c) => fmtInt(c.getValue() as number) },
  { id: 'source', accessorKey: 'source', header: 'Source', size: 260, meta: m('Source'), cell: (c) => <span className="ellipsis" title={c.getValue() as string}>{c.getValue() as string}</span> },
];

function compare(a: PriceRow, b: PriceRow, col: string): number {
  const x = (a as unknown as Record<string, unknown>)[col];
  const y = (b as unknown as Record<string, unknown>)[col];
  if (x === y) return 0;
  if (x === null || x === undefined) return 1;
  if (y === null || y === undefined) return -1;
  return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
}

/** The Prices screen. */
export function PricesScreen() {
  const { data, error } = useStoreQuery('prices.list', {}, ['prices', 'requests']);
  const [text, setText] = useState('');
  const [sorting, setSorting] = useState<SortingState>([{ id: 'provider', desc: false }]);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 100 });
  const [visibility, setVisibility] = useState<Record<string, boolean>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);

  const rows = useMemo(() => {
    const all = data ?? [];
    const t = text.trim().toLowerCase();
    const hit = t ? all.filter((r) => r.model.includes(t) || r.provider.toLowerCase().includes(t)) : all;
    const s = sorting[0];
    const sorted = s ? [...hit].sort((a, b) => (s.desc ? -1 : 1) * compare(a, b, s.id) || a.model.localeCompare(b.model) || a.as_of.localeCompare(b.as_of)) : hit;
    return sorted;
  }, [data, text, sorting]);
  const page = rows.slice(pagination.pageIndex * pagination.pageSize, (pagination.pageIndex + 1) * pagination.pageSize);
  const current = selected ? (data ?? []).find((r) => key(r) === selected) ?? null : null;

  return (
    <div className="screen split">
      <section className="main-col" aria-label="Prices">
        <div className="filter-bar" role="search" aria-label="Filter prices">
          <SearchBox id="prices-search" value={text} onChange={(v) => { setText(v); setPagination((p) => ({ ...p, pageIndex: 0 })); }} placeholder="Search model or provider" />
          <span className="muted small" title="Edits apply to imports from now on; stored costs keep the row they were priced with (the request detail names it).">USD per million tokens · edits apply to later imports</span>
          <span className="grow" />
          <button type="button" className="btn sm" onClick={() => { setImporting(true); setAdding(false); setSelected(null); }}>Import price file…</button>
          <button type="button" className="btn sm primary" onClick={() => { setAdding(true); setImporting(false); setSelected(null); }}>Add price</button>
        </div>
        {error && <ErrorNote error={error} />}
        <DataGrid<PriceRow>
          label="Prices" columns={COLUMNS} data={page} total={rows.length} loading={!data && !error}
          sorting={sorting} onSortingChange={(u) => { setSorting(u); setPagination((p) => ({ ...p, pageIndex: 0 })); }}
          pagination={pagination} onPaginationChange={setPagination}
          columnVisibility={visibility} onColumnVisibilityChange={setVisibility}
          getRowId={key} selectedId={selected} onOpen={(r) => { setSelected(key(r)); setAdding(false); setImporting(false); }}
          empty={text ? 'No price rows match.' : 'The price table is empty.'} />
      </section>
      {(current || adding) && (
        <DetailPanel testId="price-editor" focusKey={current ? key(current) : 'new'} onClose={() => { setSelected(null); setAdding(false); }}
          title={current ? <><span className="muted">Price</span> <span className="mono">{current.model}</span> <span className="muted">as of {current.as_of}</span></> : 'New price row'}>
          <PriceEditor key={current ? key(current) : 'new'} row={current} onSaved={(k) => { setAdding(false); setSelected(k); }} onDeleted={() => setSelected(null)} />
        </DetailPanel>
      )}
      {importing && (
        <DetailPanel testId="price-import" focusKey="import" onClose={() => setImporting(false)} title="Import a price file">
          <PriceFileImport onDone={() => undefined} />
        </DetailPanel>
      )}
    </div>
  );
}

type Draft = Record<'model' | 'as_of' | 'provider' | 'input' | 'output' | 'cached' | 'cache_write' | 'batch_in' | 'batch_out' | 'source', string>;

function draftOf(r: PriceRow | null): Draft {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    model: r?.model ?? '', as_of: r?.as_of ?? new Date().toISOString().slice(0, 10), provider: r?.provider ?? '', input: n(r?.input_usd_per_mtok),
    output: n(r?.output_usd_per_mtok), cached: n(r?.cached_input_usd_per_mtok), cache_write: n(r?.cache_write_usd_per_mtok),
    batch_in: n(r?.batch_input_usd_per_mtok), batch_out: n(r?.batch_output_usd_per_mtok), source: r?.source ?? '',
  };
}

/** The row a draft describes, or the first problem with it (field label and what is expected). */
export function draftToInput(d: Draft): { row: PriceInput } | { problem: string } {
  const num = (label: string, v: string, required: boolean): number | null | string => {
    if (v.trim() === '') return required ? `${label}: a price is needed` : null;
    const x = Number(v);
    return Number.isFinite(x) && x >= 0 ? x : `${label}: expected a price in USD per million tokens (e.g. 2.5), found "${v}"`;
  };
  if (!d.model.trim()) return { problem: 'Model: a model key is needed (e.g. gpt-4o)' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.as_of)) return { problem: `As of: expected a date YYYY-MM-DD, found "${d.as_of}"` };
  const vals = [num('Input', d.input, true), num('Output', d.output, true), num('Cached input', d.cached, false), num('Cache write', d.cache_write, false),
    num('Batch input', d.batch_in, false), num('Batch output', d.batch_out, false)];
  const bad = vals.find((v) => typeof v === 'string');
  if (typeof bad === 'string') return { problem: bad };
  const [input, output, cached, write, bin, bout] = vals as Array<number | null>;
  return { row: { model: d.model.trim(), as_of: d.as_of, provider: d.provider.trim(), input_usd_per_mtok: input!, output_usd_per_mtok: output!,
    cached_input_usd_per_mtok: cached ?? null, cache_write_usd_per_mtok: write ?? null, batch_input_usd_per_mtok: bin ?? null, batch_output_usd_per_mtok: bout ?? null, source: d.source } };
}

function PriceEditor({ row, onSaved, onDeleted }: { row: PriceRow | null; onSaved: (key: string) => void; onDeleted: () => void }) {
  const { client } = useApp();
  const [d, setD] = useState<Draft>(() => draftOf(row));
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = (k: keyof Draft) => (e: React.ChangeEvent<HTMLInputElement>) => { setD((x) => ({ ...x, [k]: e.target.value })); setSaved(false); };
  const save = async () => {
    const r = draftToInput(d);
    if ('problem' in r) { setProblem(r.problem); return; }
    setProblem(null);
    setBusy(true);
    try {
      await client.call('prices.set', { row: r.row });
      setError(null);
      setSaved(true);
      onSaved(key({ model: r.row.model.toLowerCase(), as_of: r.row.as_of }));
    } catch (e) { setError(asErrorData(e)); } finally { setBusy(false); }
  };
  const remove = async () => {
    if (!row) return;
    setBusy(true);
    try { await client.call('prices.delete', { model: row.model, as_of: row.as_of }); onDeleted(); } catch (e) { setError(asErrorData(e)); } finally { setBusy(false); }
  };
  const field = (k: keyof Draft, label: string, hint?: string, locked = false) => (
    <label className="price-field">
      <span>{label}</span>
      <input className={k === 'source' ? '' : 'mono'} value={d[k]} onChange={set(k)} disabled={locked} aria-label={label}
        inputMode={['model', 'as_of', 'provider', 'source'].includes(k) ? undefined : 'decimal'} placeholder={hint} />
    </label>
  );
  const editingKey = !!row;
  return (
    <form className="price-form" onSubmit={(e) => { e.preventDefault(); void save(); }} aria-label="Price row">
      {row && (
        <p className="muted small">{row.requests === 0 ? 'No stored request was priced with this row.' : `${fmtInt(row.requests)} stored request(s) were priced with this row; their costs stay as they were.`}
          {row.updated_at > 0 && <> Edited {new Date(row.updated_at).toISOString().slice(0, 16).replace('T', ' ')} UTC.</>}</p>
      )}
      <div className="price-grid">
        {field('model', 'Model', 'e.g. gpt-4o', editingKey)}
        {field('as_of', 'As of (UTC day)', 'YYYY-MM-DD', editingKey)}
        {field('provider', 'Provider', 'e.g. openai')}
        {field('input', 'Input', 'USD / M tokens')}
        {field('output', 'Output', 'USD / M tokens')}
        {field('cached', 'Cached input', 'none: input price')}
        {field('cache_write', 'Cache write', 'none: input price')}
        {field('batch_in', 'Batch input', 'none: standard')}
        {field('batch_out', 'Batch output', 'none: standard')}
      </div>
      {field('source', 'Source')}
      {editingKey && <p className="muted small">To price from another day, add a row with a new as-of date: requests are priced with the latest row on or before their day.</p>}
      {problem && <p className="err-text" role="alert">{problem}</p>}
      {error && <ErrorNote error={error} />}
      <div className="row-gap top-gap">
        <button type="submit" className="btn primary" disabled={busy}>{row ? 'Save' : 'Add row'}</button>
        {row && <button type="button" className="btn danger" disabled={busy} onClick={() => void remove()}>Delete row</button>}
        {saved && <span className="muted small" role="status">Saved.</span>}
      </div>
    </form>
  );
}

function PriceFileImport({ onDone }: { onDone: () => void }) {
  const { client } = useApp();
  const input = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<PriceFileError[] | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const read = async (f: File) => {
    setResult(null); setError(null); setErrors(null);
    const parsed = parsePriceFile(f.name, await f.text());
    if (parsed.errors.length || parsed.rows.length === 0) {
      setErrors(parsed.errors.length ? parsed.errors : [{ line: 1, field: null, reason: 'the file holds no price rows' }]);
      return;
    }
    try {
      const r = await client.call('prices.import', { rows: parsed.rows });
      setResult(`${f.name}: ${fmtInt(r.added)} row(s) added, ${fmtInt(r.replaced)} replaced.`);
      onDone();
    } catch (e) { setError(asErrorData(e)); }
  };
  return (
    <div className="price-form">
      <p className="muted small">A CSV with a header row (model, as_of, input_usd_per_mtok, output_usd_per_mtok, and optionally provider,
        cached_input_usd_per_mtok, cache_write_usd_per_mtok, batch_input_usd_per_mtok, batch_output_usd_per_mtok, source), or JSON: an array of such
        rows. All rows are added, or none if any row is wrong.</p>
      <div className="row-gap">
        <button type="button" className="btn primary" onClick={() => input.current?.click()}>Choose file…</button>
        <input ref={input} type="file" hidden accept=".csv,.json,text/csv,application/json" data-testid="price-file-input" aria-label="Price file"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void read(f); }} />
      </div>
      {result && <p role="status" data-testid="price-import-result">{result}</p>}
      {error && <ErrorNote error={error} />}
      {errors && (
        <div role="alert">
          <p className="err-text">Nothing was imported: {errors.length} row(s) cannot be used.</p>
          <table className="table compact"><thead><tr><th className="num">Line</th><th>Field</th><th>Reason</th></tr></thead>
            <tbody>{errors.slice(0, 50).map((e, i) => <tr key={i}><td className="num mono">{e.line}</td><td className="mono">{e.field ?? '—'}</td><td className="wrap">{e.reason}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </div>
  );
}
