/**
 * App-wide state the screens share: the client, the open workspace's summary, and a per-table change counter fed by
 * `tables.changed` events so each view refreshes only the queries that read a changed table.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { EventMap, MethodName, ParamsOf, ResultOf } from '../../shared/contract';
import type { LoupeErrorData } from '../../shared/errors';
import type { WorkspaceInfo } from '../../shared/types';
import { asErrorData, type AppClient } from './api';

/** A table named by `tables.changed` events. */
export type TableName = EventMap['tables.changed']['tables'][number];

interface AppState {
  client: AppClient;
  info: WorkspaceInfo;
  setInfo: (info: WorkspaceInfo) => void;
  /** Change counters per table; a view lists the tables it reads and re-queries when their sum moves. */
  versions: Partial<Record<TableName, number>>;
}

const Ctx = createContext<AppState | null>(null);

/** Provides the client and workspace to the screens and keeps the summary fresh on `tables.changed`. */
export function AppProvider({ client, initial, children }: { client: AppClient; initial: WorkspaceInfo; children: ReactNode }) {
  const [info, setInfo] = useState(initial);
  const [versions, setVersions] = useState<Partial<Record<TableName, number>>>({});
  const pending = useRef(false);
  const stale = useRef(false);

  useEffect(() => client.on('tables.changed', ({ tables }) => {
    setVersions((v) => {
      const next = { ...v };
      for (const t of tables) next[t] = (next[t] ?? 0) + 1;
      return next;
    });
    // One workspace.info call at a time; a change that arrives while one is in flight asks for one more after it, so
    // the summary never stays at the figures read before the last change (back-to-back imports).
    if (pending.current) { stale.current = true; return; }
    const refresh = (): void => {
      pending.current = true;
      stale.current = false;
      client.call('workspace.info', {}).then(setInfo, () => undefined).finally(() => {
        pending.current = false;
        if (stale.current) refresh();
      });
    };
    refresh();
  }), [client]);

  const value = useMemo(() => ({ client, info, setInfo, versions }), [client, info, versions]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The shared app state. @throws Error outside an {@link AppProvider} */
export function useApp(): AppState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp() outside <AppProvider>');
  return v;
}

/** A number that changes whenever one of `tables` changes; use it as an effect dependency to re-query. */
export function useTablesVersion(...tables: TableName[]): number {
  const { versions } = useApp();
  return tables.reduce((s, t) => s + (versions[t] ?? 0), 0);
}

/**
 * Calls a store method and keeps its result; re-runs when `params` (compared as JSON) or one of `tables` changes.
 * `params === null` skips the call (e.g. nothing selected yet). The previous result stays visible while a refresh
 * runs, so views do not flicker.
 */
export function useStoreQuery<M extends MethodName>(method: M, params: ParamsOf<M> | null, tables: TableName[]): {
  data: ResultOf<M> | null; error: LoupeErrorData | null; loading: boolean; reload: () => void;
  /** `data` was computed for the current `params` (false while other params' result is still shown, e.g. just after
   * a format or week change): act on `data` (download, copy) only when true. */
  current: boolean;
} {
  const { client } = useApp();
  const version = useTablesVersion(...tables);
  const [data, setData] = useState<ResultOf<M> | null>(null);
  const [dataKey, setDataKey] = useState<string | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [loading, setLoading] = useState(params !== null);
  const [tick, setTick] = useState(0);
  const key = params === null ? null : JSON.stringify(params);
  useEffect(() => {
    if (key === null) { setData(null); setLoading(false); return; }
    let live = true;
    setLoading(true);
    client.call(method, JSON.parse(key) as ParamsOf<M>).then((r) => { if (live) { setData(r); setDataKey(key); setError(null); } },
      (e: unknown) => { if (live) setError(asErrorData(e)); }).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [client, method, key, version, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1), current: data !== null && dataKey === key };
}

/** `value`, settled for `ms` milliseconds: text search waits for a pause in typing before it queries. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** A small value persisted in localStorage (display preferences only, never data). */
export function useStoredState<T>(key: string, initial: T): [T, (v: T) => void] {
  const [v, setV] = useState<T>(() => {
    try {
      const s = localStorage.getItem(key);
      return s === null ? initial : (JSON.parse(s) as T);
    } catch { return initial; }
  });
  const set = useCallback((nv: T) => {
    setV(nv);
    try { localStorage.setItem(key, JSON.stringify(nv)); } catch { /* storage full or disabled: keep in memory */ }
  }, [key]);
  return [v, set];
}
