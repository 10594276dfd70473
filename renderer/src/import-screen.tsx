/**
 * Import: choose or drop files, check each file's preview (format, preset, kind, time zone, field mapping, first
 * records as read and as stored), run the import with live progress and Cancel, then read the outcome (counts and
 * rejected rows). The import history sits below.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { EventMap, ImportOptions, ImportPreview } from '../../shared/contract';
import type { PresetInfo } from '../../shared/contract-imports';
import type { LoupeErrorData } from '../../shared/errors';
import type { ImportHistoryEntry, ImportProgress, ImportSummary, RecordKind } from '../../shared/types';
import { asErrorData, type RegisteredFile } from './api';
import { useApp, useTablesVersion } from './app-context';
import { ErrorNote } from './controls';
import { SUPPORTED_FORMATS } from './empty-state';
import { fmtBytes, fmtDuration, fmtInt, fmtMB, fmtTs, importRates } from './format';
import { TimeZoneSelect } from './time-zone-select';
import { EncodingSelect } from './encoding-select';
import { previewText } from './import-format';
import { ScrubPanel, ScrubSummary } from './scrub/scrub-panel';

/** Loupe fields a user may map, per kind (derived columns such as `extra` or `input_chars` are computed, not mapped). */
const FIELDS: Record<RecordKind, string[]> = {
  requests: ['id', 'ts', 'user_id', 'session_id', 'segment', 'model', 'model_version', 'feature', 'lang', 'input', 'output',
    'latency_ms', 'ttft_ms', 'tokens_in', 'tokens_out', 'tokens_cached_in', 'tokens_cache_write_in', 'cost_usd', 'status', 'error', 'service_tier', 'trace_id'],
  feedback: ['id', 'request_id', 'session_id', 'user_id', 'ts', 'kind', 'value', 'scale', 'label', 'comment', 'source', 'trace_id'],
  tickets: ['id', 'created_ts', 'updated_ts', 'resolved_ts', 'first_response_ts', 'requester', 'requester_email', 'user_id',
    'subject', 'body', 'status', 'priority', 'channel', 'tags', 'csat', 'request_ref', 'session_id'],
};

type Finished = EventMap['import.finished'];
interface JobState { progress: ImportProgress | null; finished: Finished | null }
interface Entry { key: string; file: RegisteredFile }

/** Files handed to the Import screen from outside it: dropped on the window, or chosen from the app menu. */
export interface Incoming { files?: File[]; registered?: RegisteredFile[] }

/** The Import screen. `dropped` carries files from outside the screen; dropped files are registered on arrival. */
export function ImportScreen({ dropped, onDroppedTaken }: { dropped: Incoming | null; onDroppedTaken: () => void }) {
  const { client } = useApp();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [jobs, setJobs] = useState<Record<string, JobState>>({});
  const [uploading, setUploading] = useState<{ name: string; sent: number; total: number } | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const seq = useRef(0);

  // Events can arrive before import.start returns the job id, so every job's state is kept here by id.
  useEffect(() => {
    const offP = client.on('import.progress', (p) => setJobs((j) => ({ ...j, [p.job_id]: { progress: p, finished: j[p.job_id]?.finished ?? null } })));
    const offF = client.on('import.finished', (f) => setJobs((j) => ({ ...j, [f.job_id]: { progress: j[f.job_id]?.progress ?? null, finished: f } })));
    return () => { offP(); offF(); };
  }, [client]);

  const addFiles = useCallback(async (files: File[]) => {
    if (!files.length) return;
    setError(null);
    try {
      const regs = await client.uploadFiles(files, (i, sent, total) => setUploading({ name: files[i]?.name ?? '', sent, total }));
      setEntries((e) => [...regs.map((file) => ({ key: `f${++seq.current}`, file })), ...e]);
    } catch (e) {
      setError(asErrorData(e));
    } finally {
      setUploading(null);
    }
  }, [client]);

  useEffect(() => {
    if (!dropped) return;
    onDroppedTaken();
    if (dropped.files) void addFiles(dropped.files);
    const regs = dropped.registered;
    if (regs?.length) setEntries((e) => [...regs.map((file) => ({ key: `f${++seq.current}`, file })), ...e]);
  }, [dropped, onDroppedTaken, addFiles]);

  const choose = async () => {
    if (client.chooseFiles) {
      try {
        const regs = await client.chooseFiles();
        setEntries((e) => [...regs.map((file) => ({ key: `f${++seq.current}`, file })), ...e]);
      } catch (e) { setError(asErrorData(e)); }
    } else {
      inputRef.current?.click();
    }
  };

  // Imports run one at a time (the store refuses a second with IMPORT_BUSY), so clicks while one runs queue the file
  // and the queue starts the next card as soon as the running job finishes. `active` is the card whose start call is
  // in flight or whose job is running; its job id is known before any progress event arrives.
  const [queue, setQueue] = useState<string[]>([]);
  const [active, setActive] = useState<{ key: string; jobId: string | null } | null>(null);
  const [ready, setReady] = useState<Record<string, boolean>>({});
  const starters = useRef(new Map<string, () => Promise<string | null>>());
  const running = Object.entries(jobs).find(([, j]) => !j.finished)?.[0] ?? null;
  const activeDone = !!active && active.jobId !== null && !!jobs[active.jobId]?.finished;

  useEffect(() => {
    if (active && !activeDone) return;
    if (running) return; // a job this screen did not start (or a stray one) still holds the store
    const next = queue[0];
    if (next === undefined) { if (activeDone) setActive(null); return; }
    setQueue((q) => q.slice(1));
    const startIt = starters.current.get(next);
    if (!startIt) { setActive(null); return; }
    setActive({ key: next, jobId: null });
    void startIt().then((jobId) => setActive(jobId ? { key: next, jobId } : null));
  }, [queue, active, activeDone, running]);

  const enqueue = (keys: string[]) => setQueue((q) => [...q, ...keys.filter((k) => !q.includes(k) && k !== active?.key)]);
  const remove = (key: string) => {
    setEntries((all) => all.filter((x) => x.key !== key));
    setQueue((q) => q.filter((k) => k !== key));
    setReady((r) => { const { [key]: _gone, ...rest } = r; return rest; });
  };
  const onReady = useCallback((key: string, r: boolean) => setReady((all) => (all[key] === r ? all : { ...all, [key]: r })), []);
  const registerStarter = useCallback((key: string, fn: (() => Promise<string | null>) | null) => {
    if (fn) starters.current.set(key, fn); else starters.current.delete(key);
  }, []);
  const waiting = entries.filter((e) => ready[e.key] && !queue.includes(e.key) && active?.key !== e.key).map((e) => e.key);
  const busyName = (active && entries.find((e) => e.key === active.key)?.file.name) ?? null;

  return (
    <div className="screen scroll">
      <div className="page">
        <header className="page-head">
          <h1>Import</h1>
          <p className="muted">Request logs, feedback and support tickets. Each file is previewed before anything is written; an import
            adds all of a file or none of it.</p>
        </header>
        <div className="drop-zone" data-testid="drop-zone">
          <div>
            <strong>Drop files anywhere on this window</strong>, or
            {' '}<button type="button" className="btn primary" onClick={() => void choose()}>Choose files…</button>
            <input ref={inputRef} type="file" multiple hidden data-testid="file-input" aria-label="Files to import"
              onChange={(e) => { const f = Array.from(e.target.files ?? []); e.target.value = ''; void addFiles(f); }} />
          </div>
          <div className="muted small">{SUPPORTED_FORMATS.join(' · ')}</div>
          {uploading && (
            <div className="upload-progress" aria-live="polite">
              Reading {uploading.name}: {fmtMB(uploading.sent)} of {fmtMB(uploading.total)} MB
              <progress max={uploading.total || 1} value={uploading.sent} />
            </div>
          )}
        </div>
        {error && <ErrorNote error={error}><button type="button" className="btn sm" onClick={() => void choose()}>Choose another file</button></ErrorNote>}
        {waiting.length > 1 && (
          <div className="row-gap import-all" data-testid="import-all-bar">
            <span className="muted">{waiting.length} previewed files are waiting.</span>
            <button type="button" className="btn primary" onClick={() => enqueue(waiting)}>Import all ({waiting.length})</button>
          </div>
        )}
        {entries.map((e) => (
          <FileCard key={e.key} file={e.file} jobs={jobs}
            queuedBehind={queue.includes(e.key) ? (busyName ?? 'the running import') : null}
            onRequest={() => enqueue([e.key])}
            onUnqueue={() => setQueue((q) => q.filter((k) => k !== e.key))}
            entryKey={e.key} onReady={onReady} registerStarter={registerStarter}
            onRemove={() => remove(e.key)}
            onChooseAnother={() => { remove(e.key); void choose(); }} />
        ))}
        <ImportHistory />
      </div>
    </div>
  );
}

/**
 * One file's preview and import. The card never starts an import itself: Import asks the screen's queue
 * (`onRequest`), and the queue calls the starter the card registers, which resolves with the job id (null on failure).
 */
function FileCard({ file, jobs, queuedBehind, entryKey, onRequest, onUnqueue, onReady, registerStarter, onRemove, onChooseAnother }: {
  file: RegisteredFile; jobs: Record<string, JobState>; queuedBehind: string | null; entryKey: string; onRequest: () => void; onUnqueue: () => void;
  onReady: (key: string, ready: boolean) => void; registerStarter: (key: string, fn: (() => Promise<string | null>) | null) => void;
  onRemove: () => void; onChooseAnother: () => void;
}) {
  const { client } = useApp();
  const [options, setOptions] = useState<ImportOptions>({});
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [previewError, setPreviewError] = useState<LoupeErrorData | null>(null);
  const [previewing, setPreviewing] = useState(true);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const [startError, setStartError] = useState<LoupeErrorData | null>(null);
  const [tab, setTab] = useState<'stored' | 'read'>('stored');

  useEffect(() => {
    let live = true;
    setPreviewing(true);
    client.call('import.preview', { file_id: file.file_id, options }).then((p) => {
      if (!live) return;
      setPreview(p);
      setPreviewError(null);
      setDraft({});
    }, (e: unknown) => { if (live) { setPreviewError(asErrorData(e)); } }).finally(() => { if (live) setPreviewing(false); });
    return () => { live = false; };
  }, [client, file.file_id, options]);

  const job = jobId ? jobs[jobId] : undefined;
  const finished = job?.finished ?? null;
  const inProgress = !!jobId && !finished;
  const done = finished?.ok === true;

  const start = async (): Promise<string | null> => {
    setStartError(null);
    try {
      const r = await client.call('import.start', { file_id: file.file_id, options });
      setJobId(r.job_id);
      return r.job_id;
    } catch (e) { setStartError(asErrorData(e)); return null; }
  };
  // The queue calls the latest `start` (current options), whenever its turn comes.
  const startRef = useRef(start);
  useEffect(() => { startRef.current = start; });
  useEffect(() => { registerStarter(entryKey, () => startRef.current()); return () => registerStarter(entryKey, null); }, [registerStarter, entryKey]);
  const cancel = async () => {
    if (!jobId) return;
    try { await client.call('import.cancel', { job_id: jobId }); } catch (e) { setStartError(asErrorData(e)); }
  };
  const retry = () => { setJobId(null); setStartError(null); };

  const kind = (options.kind ?? (preview?.kind === 'mixed' ? undefined : preview?.kind)) as RecordKind | undefined;
  const mappingRows = useMemo(() => {
    if (!preview) return [];
    const keys = Object.keys(preview.mapping);
    const extra = kind && preview.kind !== 'mixed' ? FIELDS[kind].filter((f) => !(f in preview.mapping)) : [];
    return [...keys, ...extra];
  }, [preview, kind]);
  const dirty = Object.keys(draft).length > 0;
  const applyMapping = () => setOptions((o) => ({ ...o, mapping: { ...(o.mapping ?? {}), ...draft } }));
  const listId = `fields-${file.file_id}`;
  const queued = queuedBehind !== null;
  const locked = inProgress || done || queued;
  const ready = !jobId && !queued && !previewing && !!preview && !previewError && !dirty;
  useEffect(() => { onReady(entryKey, ready); }, [onReady, entryKey, ready]);

  return (
    <section className="card file-card" aria-label={`Import of ${file.name}`} data-testid="file-card">
      <header className="card-head">
        <div>
          <h2 className="file-name">{file.name}</h2>
          <span className="muted small">{fmtBytes(file.bytes)}</span>
        </div>
        <div className="row-gap">
          {queued && <span className="badge" data-testid="import-queued">Queued</span>}
          {queued && <button type="button" className="btn ghost" onClick={onUnqueue}>Unqueue</button>}
          {!jobId && !queued && (
            <button type="button" className="btn primary" onClick={onRequest} disabled={previewing || !preview || !!previewError || dirty}
              title={dirty ? 'Update the preview first' : undefined}>
              Import
            </button>
          )}
          {!inProgress && <button type="button" className="btn ghost" onClick={onRemove}>{done ? 'Close' : 'Remove'}</button>}
        </div>
      </header>

      {previewError && (
        <>
          <ErrorNote error={previewError}>
            <button type="button" className="btn sm" onClick={onChooseAnother}>Choose another file</button>
          </ErrorNote>
          {canChooseReading(previewError) && (
            <ReadAsChooser options={options} onApply={(preset, kind) => setOptions((o) => withReading(o, preset, kind))} />
          )}
          {previewError.code === 'IMPORT_ENCODING' && (
            <div className="note row-gap" data-testid="choose-encoding">
              <label className="row-gap">
                <span>Read the file as</span>
                <EncodingSelect value={options.encoding} detected={null} onChange={(encoding) => setOptions((o) => ({ ...o, encoding }))} />
              </label>
            </div>
          )}
          {(previewError.code === 'IMPORT_NOT_RECOGNISED' || previewError.code === 'BAD_REQUEST') && (
            <ManualMapping error={previewError} options={options} onApply={(kind, mapping) => setOptions((o) => ({ ...o, kind, mapping }))} />
          )}
        </>
      )}
      {startError && <ErrorNote error={startError}>{startError.code !== 'IMPORT_BUSY' && <button type="button" className="btn sm" onClick={onChooseAnother}>Choose another file</button>}</ErrorNote>}

      {queued && <p className="muted" role="status">Queued: starts when {queuedBehind} has finished.</p>}
      {job && inProgress && <ProgressView progress={job.progress} bytes={file.bytes} onCancel={() => void cancel()} />}
      {jobId && !job && <ProgressView progress={null} bytes={file.bytes} onCancel={() => void cancel()} />}
      {finished && finished.ok && <ResultView summary={finished.summary} />}
      {finished && !finished.ok && (finished.error.code === 'IMPORT_CANCELLED' ? (
        <div className="note" role="status" data-testid="import-cancelled">
          <strong>Import cancelled.</strong> The workspace is unchanged.
          <button type="button" className="btn sm" onClick={retry}>Import again</button>
        </div>
      ) : (
        <>
          <ErrorNote error={finished.error}>
            <button type="button" className="btn sm" onClick={onChooseAnother}>Choose another file</button>
            <button type="button" className="btn sm ghost" onClick={retry}>Try again</button>
          </ErrorNote>
          {canChooseReading(finished.error) && (
            <ReadAsChooser options={options} onApply={(preset, kind) => { setOptions((o) => withReading(o, preset, kind)); retry(); }} />
          )}
        </>
      ))}

      {preview && !locked && (
        <div className={`preview${previewing ? ' stale' : ''}`} data-testid="preview">
          <div className="preview-grid">
            <Stat label="Format" value={preview.format} testId="pv-format" />
            <Stat label="Compression" value={preview.compression ?? 'none'} />
            <label className="stat">
              <span className="stat-label">Encoding</span>
              <EncodingSelect value={options.encoding} detected={preview.encoding}
                onChange={(encoding) => setOptions((o) => ({ ...o, encoding }))} />
            </label>
            {preview.delimiter !== null && (
              <label className="stat">
                <span className="stat-label">Delimiter</span>
                <select value={options.delimiter ?? preview.delimiter} aria-label="Delimiter"
                  onChange={(e) => setOptions((o) => ({ ...o, delimiter: e.target.value as ImportOptions['delimiter'] }))}>
                  {[',', ';', '\t', '|'].map((d) => <option key={d} value={d}>{d === '\t' ? 'tab' : d}</option>)}
                </select>
              </label>
            )}
            {preview.record_path && <Stat label="Records at" value={preview.record_path} />}
            <label className="stat">
              <span className="stat-label">Preset</span>
              <select value={options.preset ?? preview.preset} aria-label="Preset"
                onChange={(e) => setOptions((o) => ({ ...o, preset: e.target.value, mapping: undefined }))}>
                {!preview.presets.some((p) => p.name === preview.preset) && <option value={preview.preset}>{preview.preset}</option>}
                {preview.presets.map((p) => <option key={p.name} value={p.name}>{p.label} ({Math.round(p.score * 100)}%)</option>)}
              </select>
            </label>
            <label className="stat">
              <span className="stat-label">Kind</span>
              <select value={options.kind ?? preview.kind} aria-label="Kind" data-testid="pv-kind"
                onChange={(e) => setOptions((o) => ({ ...o, kind: e.target.value as RecordKind, mapping: undefined }))}>
                {preview.kind === 'mixed' && <option value="mixed" disabled>mixed</option>}
                <option value="requests">requests</option>
                <option value="feedback">feedback</option>
                <option value="tickets">tickets</option>
              </select>
            </label>
            <label className="stat">
              <span className="stat-label">Time zone of naive times</span>
              <TimeZoneSelect value={options.time_zone ?? preview.time_zone} label="Time zone of naive times"
                onChange={(tz) => setOptions((o) => ({ ...o, time_zone: tz }))} />
            </label>
            {(options.decimal_mark || [...preview.notes, ...preview.rejects.map((r) => r.reason)].some((t) => t.includes('decimal mark'))) && (
              <label className="stat">
                <span className="stat-label">Decimal mark</span>
                <select value={options.decimal_mark ?? ''} aria-label="Decimal mark" data-testid="pv-decimal-mark"
                  onChange={(e) => setOptions((o) => ({ ...o, decimal_mark: (e.target.value || undefined) as '.' | ',' | undefined }))}>
                  <option value="">detected</option>
                  <option value=".">. (1,234.5)</option>
                  <option value=",">, (1.234,5)</option>
                </select>
              </label>
            )}
            {(options.date_order || [...preview.notes, ...preview.rejects.map((r) => r.reason)].some((t) => t.includes('a/b/yyyy') || t.includes('month/day or day/month'))) && (
              <label className="stat">
                <span className="stat-label">Date order (03/04/2026)</span>
                <select value={options.date_order ?? ''} aria-label="Date order" data-testid="pv-date-order"
                  onChange={(e) => setOptions((o) => ({ ...o, date_order: (e.target.value || undefined) as 'mdy' | 'dmy' | undefined }))}>
                  <option value="">settled by the data</option>
                  <option value="mdy">month/day (US)</option>
                  <option value="dmy">day/month</option>
                </select>
              </label>
            )}
          </div>

          {preview.notes.length > 0 && (
            <ul className="notes" aria-label="Detection notes">
              {preview.notes.filter(Boolean).map((n, i) => <li key={i}>{n}</li>)}
            </ul>
          )}
          {(preview.unescape_candidates.length > 0 || (options.unescape_fields?.length ?? 0) > 0) && (
            <div className="note unescape" data-testid="unescape-offer">
              {preview.unescape_candidates.map((c) => (
                <label key={c.field} className="inline-label">
                  <input type="checkbox" checked={false}
                    onChange={() => setOptions((o) => ({ ...o, unescape_fields: [...(o.unescape_fields ?? []), c.field] }))} />
                  {' '}<span className="mono">{c.field}</span> writes its line breaks as <span className="mono">\n</span> ({c.rows} of the first {c.of} rows, no real line break): turn them into line breaks
                </label>
              ))}
              {(options.unescape_fields ?? []).map((f) => (
                <label key={f} className="inline-label">
                  <input type="checkbox" checked
                    onChange={() => setOptions((o) => ({ ...o, unescape_fields: (o.unescape_fields ?? []).filter((x) => x !== f) }))} />
                  {' '}<span className="mono">{f}</span>: literal <span className="mono">\n</span> turned into line breaks
                </label>
              ))}
            </div>
          )}

          <ScrubPanel preview={preview} value={options.scrub} onChange={(scrub) => setOptions((o) => ({ ...o, scrub }))} />

          <div className="two-col">
            <div>
              <h3>Field mapping</h3>
              <table className="table compact mapping">
                <thead><tr><th>Loupe field</th><th>Source field (dotted path)</th></tr></thead>
                <tbody>
                  {mappingRows.map((f) => {
                    const value = draft[f] ?? options.mapping?.[f] ?? preview.mapping[f] ?? '';
                    return (
                      <tr key={f} className={f in draft ? 'edited' : undefined}>
                        <td className="mono">{f}</td>
                        <td>
                          <input className="mono" list={listId} value={value} aria-label={`Source for ${f}`} placeholder="not mapped"
                            onChange={(e) => setDraft((d) => ({ ...d, [f]: e.target.value }))} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <datalist id={listId}>{preview.source_fields.map((s) => <option key={s} value={s} />)}</datalist>
              <div className="row-gap top-gap">
                <button type="button" className="btn sm" onClick={applyMapping} disabled={!dirty}>Update preview</button>
                {dirty && <button type="button" className="btn sm ghost" onClick={() => setDraft({})}>Discard changes</button>}
                {options.mapping && !dirty && <button type="button" className="btn sm ghost" onClick={() => setOptions((o) => ({ ...o, mapping: undefined }))}>Reset to preset</button>}
              </div>
            </div>
            <div className="min0">
              <div className="tabs" role="tablist" aria-label="First records">
                <button type="button" role="tab" aria-selected={tab === 'stored'} className={`tab${tab === 'stored' ? ' on' : ''}`} onClick={() => setTab('stored')}>As stored</button>
                <button type="button" role="tab" aria-selected={tab === 'read'} className={`tab${tab === 'read' ? ' on' : ''}`} onClick={() => setTab('read')}>As read</button>
              </div>
              {tab === 'stored' ? <MappedTable rows={preview.mapped} zone={options.time_zone ?? preview.time_zone} /> : <SampleTable rows={preview.sample} />}
              {preview.rejects.length > 0 && (
                <>
                  <h3>Rows the preview would reject</h3>
                  <RejectsTable rejects={preview.rejects} />
                </>
              )}
            </div>
          </div>
        </div>
      )}
      {!preview && previewing && !previewError && <p className="muted">Reading the start of the file…</p>}
    </section>
  );
}

/** Refusals that another preset or kind may cure (the file was read, but not as these records). */
function canChooseReading(e: LoupeErrorData): boolean {
  return e.code === 'IMPORT_NOT_RECOGNISED' || e.code === 'IMPORT_EMPTY' || e.code === 'BAD_REQUEST';
}

/** Options with another preset and kind; a hand mapping made for the old reading is dropped. */
function withReading(o: ImportOptions, preset: string, kind: RecordKind | ''): ImportOptions {
  const { preset: _p, kind: _k, mapping: _m, ...rest } = o;
  return { ...rest, ...(preset ? { preset } : {}), ...(kind ? { kind } : {}) };
}

let presetList: Promise<PresetInfo[]> | null = null;

/**
 * The preset and kind choosers of a refused file's error card: the user reads the file another way without starting
 * over. An empty choice leaves detection to Loupe.
 */
function ReadAsChooser({ options, onApply }: { options: ImportOptions; onApply: (preset: string, kind: RecordKind | '') => void }) {
  const { client } = useApp();
  const [presets, setPresets] = useState<PresetInfo[]>([]);
  const [preset, setPreset] = useState(options.preset ?? '');
  const [kind, setKind] = useState<RecordKind | ''>(options.kind ?? '');
  useEffect(() => {
    let live = true;
    presetList ??= client.call('import.presets', {});
    presetList.then((p) => { if (live) setPresets(p); }, () => { presetList = null; });
    return () => { live = false; };
  }, [client]);
  return (
    <div className="read-as row-gap" data-testid="read-as">
      <span className="muted">Read this file as</span>
      <label className="inline-label">Preset
        <select value={preset} aria-label="Preset for this file" onChange={(e) => setPreset(e.target.value)}>
          <option value="">detect</option>
          {presets.map((p) => <option key={p.name} value={p.name}>{p.label}</option>)}
        </select>
      </label>
      <label className="inline-label">Kind
        <select value={kind} aria-label="Kind for this file" onChange={(e) => setKind(e.target.value as RecordKind | '')}>
          <option value="">detect</option>
          <option value="requests">requests</option>
          <option value="feedback">feedback</option>
          <option value="tickets">tickets</option>
        </select>
      </label>
      <button type="button" className="btn sm primary" disabled={preset === (options.preset ?? '') && kind === (options.kind ?? '')}
        onClick={() => onApply(preset, kind)}>Preview again</button>
    </div>
  );
}

/**
 * When no field could be mapped automatically, the user picks the kind and maps fields by hand; the source fields
 * the importer saw come with the error (`details.fields`).
 */
function ManualMapping({ error, options, onApply }: {
  error: LoupeErrorData; options: ImportOptions; onApply: (kind: RecordKind, mapping: Record<string, string>) => void;
}) {
  const [kind, setKind] = useState<RecordKind>(options.kind ?? 'requests');
  const [draft, setDraft] = useState<Record<string, string>>(options.mapping ?? {});
  const seen = (error.details as { fields?: unknown } | undefined)?.fields;
  const fields = Array.isArray(seen) ? seen.map(String) : [];
  const listId = `manual-fields-${useId()}`;
  const filled = Object.fromEntries(Object.entries(draft).filter(([f, v]) => v.trim() !== '' && FIELDS[kind].includes(f)));
  return (
    <div className="manual-map" data-testid="manual-mapping">
      <div className="row-gap">
        <h3 className="inline-h">Map the fields yourself</h3>
        <label className="inline-label">Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as RecordKind)} aria-label="Kind">
            <option value="requests">requests</option>
            <option value="feedback">feedback</option>
            <option value="tickets">tickets</option>
          </select>
        </label>
      </div>
      {fields.length > 0 && <p className="muted small">Fields in the file: {fields.join(', ')}</p>}
      <div className="map-grid">
        {FIELDS[kind].map((f) => (
          <label key={f} className="map-pair">
            <span className="mono">{f}</span>
            <input className="mono" list={listId} value={draft[f] ?? ''} placeholder="not mapped" aria-label={`Source for ${f}`}
              onChange={(e) => setDraft((d) => ({ ...d, [f]: e.target.value }))} />
          </label>
        ))}
      </div>
      <datalist id={listId}>{fields.map((f) => <option key={f} value={f} />)}</datalist>
      <div className="row-gap top-gap">
        <button type="button" className="btn sm primary" disabled={Object.keys(filled).length === 0} onClick={() => onApply(kind, filled)}>Preview with this mapping</button>
      </div>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>{value}</span>
    </div>
  );
}

function ProgressView({ progress, bytes, onCancel }: { progress: ImportProgress | null; bytes: number; onCancel: () => void }) {
  const total = progress?.bytes_total ?? bytes;
  const r = progress ? importRates({ ...progress, bytes_total: total }) : null;
  const phase = progress?.phase === 'linking' ? 'Linking tickets and feedback to requests' : progress?.phase === 'saving' ? 'Saving the workspace' : 'Reading records';
  return (
    <div className="progress-box" data-testid="import-progress" aria-live="polite">
      <div className="row-gap">
        <strong>{phase}…</strong>
        <span className="grow" />
        <button type="button" className="btn sm danger" onClick={onCancel}>Cancel</button>
      </div>
      <progress max={1} value={r?.fraction ?? undefined} aria-label="Import progress" />
      <div className="progress-figures muted small">
        <span data-testid="progress-records">{fmtInt(progress?.records ?? 0)} records</span>
        <span>{fmtMB(progress?.bytes_read ?? 0)} of {fmtMB(total)} MB</span>
        {r && <span>{fmtInt(Math.round(r.recordsPerS))} records/s · {r.mbPerS.toFixed(1)} MB/s</span>}
        {r?.etaMs !== null && r?.etaMs !== undefined && <span>{fmtDuration(r.etaMs)} left</span>}
        {progress && progress.rejected > 0 && <span>{fmtInt(progress.rejected)} rejected so far</span>}
      </div>
    </div>
  );
}

function ResultView({ summary: s }: { summary: ImportSummary }) {
  const unit = s.record_unit ? s.record_unit.charAt(0).toUpperCase() + s.record_unit.slice(1) : 'Records';
  const figures: Array<[string, number, string]> = [
    [`${unit} read`, s.records_read, 'records_read'],
    ['Inserted', s.inserted, 'inserted'],
    ['Updated', s.updated, 'updated'],
    ['Already present', s.duplicates, 'duplicates'],
    // Every record read ends in one of these six (shared/types.ts): the repeats are one of them.
    ['Repeated in the file', s.duplicates_in_file, 'duplicates_in_file'],
    ['Rejected', s.rejected, 'rejected'],
    ['Skipped', s.skipped, 'skipped'],
    ['Links', s.links, 'links'],
  ];
  return (
    <div className="result" data-testid="import-result">
      <div className="result-head">
        <span className="badge ok">Imported</span>
        <span className="muted small">as {s.kind} · preset {s.preset} · {fmtDuration(s.finished_at - s.started_at)}</span>
      </div>
      <dl className="figures">
        {figures.map(([label, n, id]) => (
          <div key={id} className={`figure${id === 'rejected' && n > 0 ? ' warn' : ''}`}>
            <dt>{label}</dt>
            <dd data-testid={`result-${id}`}>{fmtInt(n)}</dd>
          </div>
        ))}
      </dl>
      {Object.keys(s.per_kind).length > 1 && (
        <p className="muted small">{Object.entries(s.per_kind).map(([k, v]) => `${k}: ${fmtInt(v.inserted)} new, ${fmtInt(v.updated)} updated, ${fmtInt(v.duplicates)} already present`).join(' · ')}</p>
      )}
      {s.scrub && <ScrubSummary report={s.scrub} />}
      {s.notes.filter(Boolean).length > 0 && <ul className="notes">{s.notes.filter(Boolean).map((n, i) => <li key={i}>{n}</li>)}</ul>}
      {s.rejected > 0 && (
        <>
          <h3>Rejected rows {s.rejected > s.rejects.length && <span className="muted small">(first {fmtInt(s.rejects.length)} of {fmtInt(s.rejected)})</span>}</h3>
          <RejectsTable rejects={s.rejects} />
        </>
      )}
    </div>
  );
}

function RejectsTable({ rejects }: { rejects: Array<{ line: number; field: string | null; reason: string }> }) {
  return (
    <div className="table-scroll short">
      <table className="table compact" data-testid="rejects">
        <thead><tr><th className="num">Line</th><th>Field</th><th>Reason</th></tr></thead>
        <tbody>
          {rejects.map((r, i) => (
            <tr key={i}><td className="num mono">{r.line}</td><td className="mono">{r.field ?? '—'}</td><td className="wrap">{r.reason}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function cellText(v: unknown): string {
  return previewText(v);
}

/** Stored times are UTC epoch ms; the preview shows them as dates in the import's zone, with the number on hover. */
function storedCell(col: string, v: unknown, zone: string) {
  if (typeof v === 'number' && /_ts$|^ts$/.test(col)) return <span title={String(v)}>{fmtTs(v, zone)}</span>;
  return cellText(v);
}

function MappedTable({ rows, zone }: { rows: ImportPreview['mapped']; zone: string }) {
  const cols = useMemo(() => {
    const seen = new Set<string>();
    for (const r of rows) for (const [k, v] of Object.entries(r.row)) if (v !== null && v !== undefined && k !== 'extra') seen.add(k);
    return [...seen];
  }, [rows]);
  if (!rows.length) return <p className="muted">No records would be stored from the first lines.</p>;
  const kinds = new Set(rows.map((r) => r.kind));
  return (
    <div className="table-scroll">
      <table className="table compact sample" data-testid="mapped-sample">
        <thead><tr>{kinds.size > 1 && <th>kind</th>}{cols.map((c) => <th key={c} className="mono">{c}</th>)}</tr></thead>
        <tbody>
          {rows.slice(0, 10).map((r, i) => (
            <tr key={i}>{kinds.size > 1 && <td>{r.kind}</td>}{cols.map((c) => <td key={c}>{storedCell(c, r.row[c], zone)}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SampleTable({ rows }: { rows: unknown[] }) {
  const cols = useMemo(() => {
    const seen = new Set<string>();
    for (const r of rows) if (r && typeof r === 'object') for (const k of Object.keys(r)) seen.add(k);
    return [...seen].slice(0, 20);
  }, [rows]);
  if (!rows.length) return <p className="muted">The start of the file holds no records.</p>;
  return (
    <div className="table-scroll">
      <table className="table compact sample">
        <thead><tr>{cols.map((c) => <th key={c} className="mono">{c}</th>)}</tr></thead>
        <tbody>
          {rows.slice(0, 10).map((r, i) => (
            <tr key={i}>{cols.map((c) => <td key={c}>{cellText((r as Record<string, unknown>)[c])}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportHistory() {
  const { client, info } = useApp();
  const version = useTablesVersion('imports');
  const [rows, setRows] = useState<ImportHistoryEntry[] | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    client.call('import.history', {}).then((r) => { if (live) setRows(r); }, () => undefined);
    return () => { live = false; };
  }, [client, version]);
  return (
    <section className="card" aria-label="Import history">
      <header className="card-head"><h2>Import history</h2></header>
      {!rows ? <p className="muted">Loading…</p> : rows.length === 0 ? <p className="muted">Nothing imported yet.</p> : (
        <div className="table-scroll">
          <table className="table compact" data-testid="import-history">
            <thead>
              <tr>
                <th>File</th><th>Kind · preset</th><th className="num">Read</th><th className="num">Inserted</th>
                <th title="Records not inserted: updated (same id, changed), already present (identical to a stored one), repeated (an id earlier in the same file; the last is kept), rejected, skipped">Not inserted</th><th />
              </tr>
            </thead>
            <tbody>
              {rows.map((h) => (
                <HistoryRow key={h.id} h={h} zone={info.time_zone} open={open === h.id} onToggle={() => setOpen(open === h.id ? null : h.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The records of an import that were not inserted, the nonzero outcomes only: "3 updated · 1 repeated · 2 rejected". */
function OtherOutcomes({ h }: { h: ImportHistoryEntry }) {
  const parts: Array<{ n: number; text: string; warn?: boolean; title?: string }> = [
    { n: h.updated, text: 'updated' },
    { n: h.duplicates, text: 'already present' },
    { n: h.duplicates_in_file, text: 'repeated in the file', title: 'Repeats of an id earlier in the same file (the last occurrence is kept)' },
    { n: h.rejected, text: 'rejected', warn: true },
    { n: h.skipped, text: 'skipped', title: h.skipped_reasons.map((r) => `${fmtInt(r.count)} ${r.reason}`).join('\n') || undefined },
  ].filter((p) => p.n > 0);
  if (parts.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {parts.map((p, i) => (
        <span key={p.text} title={p.title} className={p.warn ? 'warn-text' : undefined}>{i > 0 ? ' · ' : ''}{fmtInt(p.n)} {p.text}</span>
      ))}
    </>
  );
}

function HistoryRow({ h, zone, open, onToggle }: { h: ImportHistoryEntry; zone: string; open: boolean; onToggle: () => void }) {
  const hasDetail = h.rejects.length > 0 || h.notes.some(Boolean) || !!h.scrub;
  return (
    <>
      <tr>
        <td className="history-file">
          <div className="ellipsis-cell" title={h.file_name}>{h.file_name}</div>
          <div className="muted small nowrap"><span className="mono">{fmtTs(h.started_at, zone)}</span> · {fmtBytes(h.file_size)}</div>
        </td>
        <td>{h.kind}{h.preset && <div className="muted small">{h.preset}</div>}</td>
        <td className="num" title={h.record_unit}>{fmtInt(h.records_read)}</td>
        <td className="num">{fmtInt(h.inserted)}</td>
        <td data-testid="history-other"><OtherOutcomes h={h} /></td>
        <td>{hasDetail && <button type="button" className="btn sm link" aria-expanded={open} onClick={onToggle}>{open ? 'Hide' : 'Details'}</button>}</td>
      </tr>
      {open && (
        <tr className="sub-row">
          <td colSpan={6}>
            {h.scrub && <ScrubSummary report={h.scrub} />}
            {h.notes.some(Boolean) && <ul className="notes">{h.notes.filter(Boolean).map((n, i) => <li key={i}>{n}</li>)}</ul>}
            {h.rejects.length > 0 && <RejectsTable rejects={h.rejects} />}
          </td>
        </tr>
      )}
    </>
  );
}
