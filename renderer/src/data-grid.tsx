/**
 * The records grid: TanStack Table v8 in controlled, server-driven mode (the store pages, sorts and filters in SQL;
 * the table only holds one page) with virtualized rows. Rows are a roving-tabindex list: arrow keys move, Enter opens.
 * Pattern after TanStack's `pagination-controlled` and `virtualized-rows` examples.
 */
import {
  flexRender, getCoreRowModel, useReactTable, type ColumnDef, type OnChangeFn, type PaginationState, type Row,
  type SortingState, type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { fmtInt } from './format';

/** Column metadata the grid reads: `grow` lets a text column take the spare width; `align` right-aligns numbers. */
export interface GridColumnMeta { grow?: boolean; align?: 'right'; label?: string }

interface Props<T> {
  label: string;
  columns: ColumnDef<T, unknown>[];
  data: T[];
  total: number;
  loading: boolean;
  sorting: SortingState;
  onSortingChange: OnChangeFn<SortingState>;
  pagination: PaginationState;
  onPaginationChange: OnChangeFn<PaginationState>;
  columnVisibility: VisibilityState;
  onColumnVisibilityChange: (v: VisibilityState) => void;
  getRowId: (row: T) => string;
  selectedId: string | null;
  onOpen: (row: T) => void;
  empty: React.ReactNode;
}

const ROW_HEIGHT = 34;
export const PAGE_SIZES = [50, 100, 200, 500];

/** A server-paged, virtualized, keyboard-navigable grid. */
export function DataGrid<T>(p: Props<T>) {
  const table = useReactTable({
    data: p.data,
    columns: p.columns,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    sortDescFirst: true,
    rowCount: p.total,
    getRowId: (r) => p.getRowId(r),
    state: { sorting: p.sorting, pagination: p.pagination, columnVisibility: p.columnVisibility },
    onSortingChange: p.onSortingChange,
    onPaginationChange: p.onPaginationChange,
    onColumnVisibilityChange: (u) => p.onColumnVisibilityChange(typeof u === 'function' ? u(p.columnVisibility) : u),
  });
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const [active, setActive] = useState(0);
  const focusAfterMove = useRef(false);

  // A new page starts at its first row, scrolled to the top.
  useEffect(() => {
    setActive(0);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [p.data]);

  // The open record can change from outside the grid (stepping in the detail panel): the active row follows it.
  useEffect(() => {
    if (p.selectedId === null) return;
    const i = rows.findIndex((r) => r.id === p.selectedId);
    if (i >= 0) { setActive(i); virtualizer.scrollToIndex(i, { align: 'auto' }); }
  }, [p.selectedId]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!focusAfterMove.current) return;
    focusAfterMove.current = false;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${active}"]`);
    el?.focus({ preventScroll: true });
  });

  const move = (to: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    focusAfterMove.current = true;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, row: Row<T>, index: number) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown': move(index + 1); break;
      case 'ArrowUp': move(index - 1); break;
      case 'PageDown': move(index + pageRows); break;
      case 'PageUp': move(index - pageRows); break;
      case 'Home': move(0); break;
      case 'End': move(rows.length - 1); break;
      case 'Enter': case ' ': setActive(index); p.onOpen(row.original); break;
      default: return;
    }
    e.preventDefault();
  };

  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const minWidth = table.getTotalSize();
  const { pageIndex, pageSize } = p.pagination;
  const first = p.total === 0 ? 0 : pageIndex * pageSize + 1;
  const last = Math.min(p.total, (pageIndex + 1) * pageSize);
  const pageCount = Math.max(1, Math.ceil(p.total / pageSize));

  const cellStyle = (size: number, meta: GridColumnMeta | undefined) => ({
    flex: meta?.grow ? `1 0 ${size}px` : `0 0 ${size}px`,
    width: size,
  });

  return (
    <div className="grid-wrap">
      <div className="grid" role="grid" aria-label={p.label} aria-rowcount={p.total + 1} aria-busy={p.loading}>
        <div className="grid-scroll" ref={scrollRef}>
          <div className="grid-head" role="row" aria-rowindex={1} style={{ minWidth }}>
            {headers.map((h) => {
              const meta = h.column.columnDef.meta as GridColumnMeta | undefined;
              const sorted = h.column.getIsSorted();
              const canSort = h.column.getCanSort();
              return (
                <div key={h.id} role="columnheader" className={`grid-cell${meta?.align === 'right' ? ' num' : ''}`}
                  style={cellStyle(h.getSize(), meta)}
                  aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : canSort ? 'none' : undefined}>
                  {canSort ? (
                    <button type="button" className="sort-btn" onClick={h.column.getToggleSortingHandler()}
                      title={`Sort by ${meta?.label ?? h.id}`}>
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      <span className="sort-ind" aria-hidden>{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}</span>
                    </button>
                  ) : flexRender(h.column.columnDef.header, h.getContext())}
                </div>
              );
            })}
          </div>
          {rows.length === 0 ? (
            <div className="grid-empty">{p.loading ? 'Loading…' : p.empty}</div>
          ) : (
            <div className="grid-body" style={{ height: virtualizer.getTotalSize(), minWidth }}>
              {virtualizer.getVirtualItems().map((vi) => {
                const row = rows[vi.index];
                if (!row) return null;
                const selected = p.selectedId === row.id;
                return (
                  <div key={row.id} role="row" className={`grid-row${selected ? ' selected' : ''}${vi.index % 2 ? ' odd' : ''}`}
                    data-row-index={vi.index} data-testid="grid-row" aria-rowindex={pageIndex * pageSize + vi.index + 2}
                    aria-selected={selected} tabIndex={vi.index === active ? 0 : -1}
                    style={{ transform: `translateY(${vi.start}px)`, height: ROW_HEIGHT, minWidth }}
                    onClick={() => { setActive(vi.index); p.onOpen(row.original); }}
                    onFocus={() => setActive(vi.index)}
                    onKeyDown={(e) => onKeyDown(e, row, vi.index)}>
                    {row.getVisibleCells().map((c) => {
                      const meta = c.column.columnDef.meta as GridColumnMeta | undefined;
                      return (
                        <div key={c.id} role="gridcell" className={`grid-cell${meta?.align === 'right' ? ' num' : ''}`}
                          style={cellStyle(c.column.getSize(), meta)}>
                          {flexRender(c.column.columnDef.cell, c.getContext())}
                        </div>
                      );
                    })}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
      <div className="grid-foot">
        <ColumnChooser table={table} />
        <span className="grow" />
        <span className="muted" data-testid="grid-range" aria-live="polite">
          {p.loading && rows.length > 0 ? 'Loading… ' : ''}{fmtInt(first)}–{fmtInt(last)} of {fmtInt(p.total)}
        </span>
        <label className="inline-label">
          Rows
          <select value={pageSize} onChange={(e) => table.setPagination({ pageIndex: 0, pageSize: Number(e.target.value) })}>
            {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <div className="btn-group" role="group" aria-label="Pages">
          <button type="button" className="btn sm" onClick={() => table.firstPage()} disabled={!table.getCanPreviousPage()} aria-label="First page">«</button>
          <button type="button" className="btn sm" onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()} aria-label="Previous page">‹</button>
          <span className="page-no">Page {fmtInt(pageIndex + 1)} of {fmtInt(pageCount)}</span>
          <button type="button" className="btn sm" onClick={() => table.nextPage()} disabled={!table.getCanNextPage()} aria-label="Next page">›</button>
          <button type="button" className="btn sm" onClick={() => table.lastPage()} disabled={!table.getCanNextPage()} aria-label="Last page">»</button>
        </div>
      </div>
    </div>
  );
}

function ColumnChooser<T>({ table }: { table: ReturnType<typeof useReactTable<T>> }) {
  return (
    <details className="popover">
      <summary className="btn sm">Columns</summary>
      <div className="popover-body" role="group" aria-label="Visible columns">
        {table.getAllLeafColumns().filter((c) => c.getCanHide()).map((c) => {
          const meta = c.columnDef.meta as GridColumnMeta | undefined;
          return (
            <label key={c.id} className="check">
              <input type="checkbox" checked={c.getIsVisible()} onChange={c.getToggleVisibilityHandler()} />
              {meta?.label ?? c.id}
            </label>
          );
        })}
      </div>
    </details>
  );
}
