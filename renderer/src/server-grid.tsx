/**
 * The one grid component every records-style screen uses (Records, Tickets, Feedback): a filter bar declared as data,
 * server-side paging and sorting through one store method, the column chooser (choice kept per grid), keyboard
 * navigation (in DataGrid), and the detail panel beside the grid with ↑/↓ stepping and Escape to close.
 *
 * A screen declares its columns, its filters and its panel; this component owns the state and turns it into the
 * store query `{ offset, limit, sort, filter }` that every `*.query` method of the contract accepts.
 */
import type { ColumnDef, PaginationState, SortingState } from '@tanstack/react-table';
import { Fragment, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { MethodName, Page } from '../../shared/contract';
import { type TableName, useApp, useDebounced, useStoredState, useStoreQuery } from './app-context';
import { ErrorNote, MultiSelect, SearchBox, TriState } from './controls';
import { DataGrid } from './data-grid';
import { stepId } from './detail-panel';
import { dayStartMs } from './format';

/** One control of the filter bar. `key` is the field of the query's `filter` object it sets. */
export type FilterSpec =
  /** Free text (debounced 300 ms, trimmed); empty means no filter. */
  | { kind: 'text'; key: string; placeholder: string }
  /** One exact value typed (debounced 300 ms, trimmed), sent as a one-value list; empty means no filter. */
  | { kind: 'exact'; key: string; placeholder: string }
  /**
   * From/To dates in the workspace zone, sent as `from_ts` (start of From) and `to_ts` (end of To, exclusive). A
   * drill-down's exact range (the value `range`, set through `preset`) replaces them, shown as a chip until cleared.
   */
  | { kind: 'dates' }
  /** Any of several values; an empty selection means any. `hideEmpty`: no control while there is no value to pick. */
  | { kind: 'multi'; key: string; label: string; options: string[]; hideEmpty?: boolean }
  /** Any / Yes / No. */
  | { kind: 'tri'; key: string; label: string }
  /** One value from a list ('' means any); `options` values are sent as they are. */
  | { kind: 'select'; key: string; label: string; options: Array<{ value: string; label: string }> };

/** An exact time range from a drill-down (an alert's bucket, a chart point): UTC ms, half-open, and its words. */
export interface TimeRange { from_ts: number; to_ts: number; label: string }

/** The value of each filter, by key (`from`/`to` for the dates, and `range` for a drill-down's exact range). */
export type FilterValues = Record<string, string | string[] | boolean | TimeRange | undefined>;

function isRange(v: FilterValues[string]): v is TimeRange {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Methods whose params are `{ offset, limit, sort?, filter }` and whose result is a page. */
type PagedMethod = Extract<MethodName, 'requests.query' | 'tickets.query' | 'feedback.query'>;

interface Props<T> {
  /** Grid name: the grid's accessible name and, with `-search`, the search box id. */
  label: string;
  /** The store method that returns a page. */
  method: PagedMethod;
  /** Tables whose changes refresh the page. */
  tables: TableName[];
  columns: ColumnDef<T, unknown>[];
  filters: FilterSpec[];
  /** Column ids the store can sort on; other headers do not sort. */
  sortable: ReadonlySet<string>;
  defaultSort: { id: string; desc: boolean };
  /** localStorage key of the column choice and the columns hidden until the user shows them. */
  columnsKey: string;
  defaultHidden: Record<string, boolean>;
  getRowId: (row: T) => string;
  /** Filter values set from outside (e.g. a search handed over from another screen); applied when they change. */
  preset?: FilterValues | null;
  /** Changes re-apply the preset even when it is the same (the same slice opened twice). */
  presetNonce?: number;
  /** Fixed filter fields added to every query (not shown in the bar). */
  fixed?: Record<string, unknown>;
  /** A row to open on arrival (e.g. from a ticket's linked requests). */
  openId?: string | null;
  /** The detail panel of the open row. */
  panel: (id: string, ctl: { close: () => void; step: (delta: 1 | -1) => void }) => ReactNode;
  empty: { filtered: string; none: string };
  /** Extra content at the end of the filter bar. */
  barExtra?: ReactNode;
  /** Content between the filter bar and the grid, given the query's filter, the page's total and the values. */
  below?: (ctx: { filter: Record<string, unknown>; total: number; values: FilterValues }) => ReactNode;
}

const EMPTY: Page<never> = { rows: [], total: 0 };

/** The value a filter has when the user has set nothing. */
function blank(spec: FilterSpec): FilterValues {
  switch (spec.kind) {
    case 'dates': return { from: '', to: '', range: undefined };
    case 'multi': return { [spec.key]: [] };
    case 'tri': return { [spec.key]: undefined };
    default: return { [spec.key]: '' };
  }
}

/**
 * The query's `filter` object for the current values.
 * @param zone - workspace IANA zone for the date fields
 * @param text - the debounced text values, by key
 */
export function buildFilter(specs: FilterSpec[], values: FilterValues, text: FilterValues, zone: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    if (s.kind === 'dates') {
      const range = values.range;
      const from = isRange(range) ? range.from_ts : dayStartMs(String(values.from ?? ''), zone);
      const to = isRange(range) ? range.to_ts : dayStartMs(String(values.to ?? ''), zone, true);
      if (from !== null) out.from_ts = from;
      if (to !== null) out.to_ts = to;
    } else if (s.kind === 'text') {
      const v = String(text[s.key] ?? '').trim();
      if (v) out[s.key] = v;
    } else if (s.kind === 'exact') {
      const v = String(text[s.key] ?? '').trim();
      if (v) out[s.key] = [v];
    } else if (s.kind === 'multi') {
      const v = values[s.key];
      if (Array.isArray(v) && v.length) out[s.key] = v;
    } else if (s.kind === 'tri') {
      const v = values[s.key];
      if (typeof v === 'boolean') out[s.key] = v;
    } else {
      const v = values[s.key];
      if (typeof v === 'string' && v !== '') out[s.key] = v;
    }
  }
  return out;
}

/** A server-paged grid with its filter bar and detail panel; see the file comment. */
export function ServerGrid<T>(p: Props<T>) {
  const { info } = useApp();
  const zone = info.time_zone;
  const noFilters = useMemo(() => Object.assign({}, ...p.filters.map(blank)) as FilterValues, [p.filters]);
  const [values, setValues] = useState<FilterValues>(() => ({ ...noFilters, ...(p.preset ?? {}) }));
  const textKeys = p.filters.filter((s): s is Extract<FilterSpec, { kind: 'text' | 'exact' }> => s.kind === 'text' || s.kind === 'exact').map((s) => s.key);
  // Debounced as a string: a fresh object every render would restart the timer forever.
  const textDebounced = useDebounced(JSON.stringify(Object.fromEntries(textKeys.map((k) => [k, values[k] ?? '']))), 300);
  const text = useMemo(() => JSON.parse(textDebounced) as FilterValues, [textDebounced]);
  const [sorting, setSorting] = useState<SortingState>([p.defaultSort]);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 100 });
  const [visibility, setVisibility] = useStoredState<Record<string, boolean>>(p.columnsKey, p.defaultHidden);
  const [selected, setSelected] = useState<string | null>(p.openId ?? null);
  useEffect(() => { if (p.openId) setSelected(p.openId); }, [p.openId]);
  const presetKey = p.preset ? JSON.stringify([p.preset, p.presetNonce ?? null]) : null;
  useEffect(() => {
    if (presetKey === null) return;
    setValues({ ...noFilters, ...(JSON.parse(presetKey) as [FilterValues, unknown])[0] });
    setPagination((x) => ({ ...x, pageIndex: 0 }));
  }, [presetKey, noFilters]);

  const query = useMemo(() => {
    const s = sorting[0];
    return {
      offset: pagination.pageIndex * pagination.pageSize,
      limit: pagination.pageSize,
      ...(s && p.sortable.has(s.id) ? { sort: { column: s.id, desc: s.desc } } : {}),
      filter: { ...buildFilter(p.filters, values, text, zone), ...(p.fixed ?? {}) },
    };
  }, [sorting, pagination, p.sortable, p.filters, values, text, zone, p.fixed]);

  // The three paged methods share the params shape; the cast names that fact once here.
  const { data, error, loading } = useStoreQuery(p.method, query as never, p.tables);
  const page = (data ?? EMPTY) as unknown as Page<T>;

  const setFilter = (k: string, v: FilterValues[string]) => {
    setValues((f) => ({ ...f, [k]: v }));
    setPagination((x) => ({ ...x, pageIndex: 0 }));
  };
  const filtered = JSON.stringify(values) !== JSON.stringify(noFilters);
  const close = () => { setSelected(null); refocusGrid(); };

  return (
    <div className="screen split" onKeyDown={(e) => { if (e.key === 'Escape' && selected) setSelected(null); }}>
      <section className="main-col" aria-label={p.label}>
        <div className="filter-bar" role="search" aria-label={`Filter ${p.label.toLowerCase()}`}>
          {p.filters.map((s) => {
            switch (s.kind) {
              case 'text':
                return <SearchBox key={s.key} id={`${p.label.toLowerCase()}-search`} value={String(values[s.key] ?? '')} onChange={(v) => setFilter(s.key, v)} placeholder={s.placeholder} />;
              case 'exact':
                return <input key={s.key} type="search" className="search exact-filter" value={String(values[s.key] ?? '')} placeholder={s.placeholder} aria-label={s.placeholder}
                  onChange={(e) => setFilter(s.key, e.target.value)} />;
              case 'dates': {
                const range = values.range;
                if (isRange(range)) {
                  return (
                    <span key="dates" className="range-chip" data-testid="records-range">{range.label}
                      <button type="button" className="btn sm link" aria-label="Clear the time range" onClick={() => setFilter('range', undefined)}>✕</button></span>
                  );
                }
                return (
                  <Fragment key="dates">
                    <label className="inline-label">From <input type="date" value={String(values.from ?? '')} onChange={(e) => setFilter('from', e.target.value)} aria-label="From date" /></label>
                    <label className="inline-label">To <input type="date" value={String(values.to ?? '')} onChange={(e) => setFilter('to', e.target.value)} aria-label="To date" /></label>
                  </Fragment>
                );
              }
              case 'multi':
                if (s.hideEmpty && s.options.length === 0) return null;
                return <MultiSelect key={s.key} label={s.label} options={s.options} value={(values[s.key] as string[] | undefined) ?? []} onChange={(v) => setFilter(s.key, v)} />;
              case 'tri':
                return <TriState key={s.key} label={s.label} value={values[s.key] as boolean | undefined} onChange={(v) => setFilter(s.key, v)} />;
              case 'select':
                return (
                  <label key={s.key} className="inline-label">
                    {s.label}
                    <select value={String(values[s.key] ?? '')} onChange={(e) => setFilter(s.key, e.target.value)}>
                      <option value="">Any</option>
                      {s.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
                    </select>
                  </label>
                );
            }
          })}
          {filtered && <button type="button" className="btn sm link" onClick={() => { setValues(noFilters); setPagination((x) => ({ ...x, pageIndex: 0 })); }}>Clear filters</button>}
          {p.barExtra}
        </div>
        {error && <ErrorNote error={error} />}
        {p.below?.({ filter: query.filter, total: page.total, values })}
        <DataGrid<T>
          label={p.label} columns={p.columns} data={page.rows} total={page.total} loading={loading}
          sorting={sorting} onSortingChange={(u) => { setSorting(u); setPagination((x) => ({ ...x, pageIndex: 0 })); }}
          pagination={pagination} onPaginationChange={setPagination}
          columnVisibility={visibility} onColumnVisibilityChange={setVisibility}
          getRowId={p.getRowId} selectedId={selected} onOpen={(r) => setSelected(p.getRowId(r))}
          empty={filtered ? p.empty.filtered : p.empty.none} />
      </section>
      {selected && p.panel(selected, { close, step: (d) => setSelected(stepId(page.rows.map(p.getRowId), selected, d)) })}
    </div>
  );
}

/** After the panel closes, keyboard focus goes back to the grid row the user came from. */
export function refocusGrid(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="grid-row"][tabindex="0"]')?.focus());
}
