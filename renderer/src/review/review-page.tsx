/**
 * The review screen: the queue (every position with its state) beside the current item, and the rubric form.
 *
 * Keyboard first (see {@link KEYS}; `?` shows them all): j/k or ←/→ move between positions, ↑/↓ move between rubric
 * criteria, p/f give pass/fail, digits give a scale point or a category option, t tags, n writes a note (Escape
 * leaves it), s skips with a reason, Enter or Ctrl+Enter submits, u or Ctrl+Z undoes the session's last decision.
 * A verdict key applies to the active criterion only and never moves on by itself: only ↑/↓ (or a click) change the
 * active criterion, so `p`, ↓, `4` is "Correct: pass, Helpful: 4". A key the active criterion does not take is
 * announced in the key hint instead of landing elsewhere.
 *
 * An item whose input and output equal an item already reviewed (this queue, or another under the same rubric
 * version) shows "Same content as …" with that decision filled in: Enter confirms it for this item.
 *
 * Speed: items are kept in a cache and the next open position (and both neighbours) are fetched ahead, so moving on
 * after a decision renders from memory; the decision itself is sent at the same moment and confirmed when the store
 * has it on disk (journaled). A failed save brings the item back with its draft and says why. Each move's time from
 * key press to the next painted frame is recorded in `window.__loupeReviewTimings` (ms) and on the item
 * (`data-render-ms`).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { LoupeErrorData } from '../../../shared/errors';
import type { QueueDetail, ReviewItem, RubricCriterion, VerdictValue } from '../../../shared/review-types';
import { asErrorData } from '../api';
import { useApp, useStoredState, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { Fields } from '../detail-panel';
import { fmtFeedbackValue, fmtGap, fmtInt, fmtMs, fmtTs, fmtUsd } from '../format';
import { StatusBadge } from '../records-screen';
import { SafeText } from '../safe-text';
import { ReviewerForm, TagChip } from './common';
import { fmtProbability, fmtStratum, fmtStratumShort, fmtVerdict, idLabels, missingVerdicts, verdictForKey } from './review-format';
import { TagPicker, type ChosenTag, type TagPickerHandle } from './tag-picker';
import { SLICE_PANEL_KEY, SlicePanel, SlicePanelShow, useSlicePanelOpen } from '../monitoring/slice-panel';

/** One review session per app load: what `u` walks back (the store journals each undo). */
const SESSION_ID = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `s-${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** Every key of the review screen, for the cheat sheet. */
export const KEYS: Array<[string[], string]> = [
  [['j', '→'], 'Next position in the queue'],
  [['k', '←'], 'Previous position'],
  [['↑', '↓'], 'Previous / next rubric criterion (the only keys that change the active criterion)'],
  [['p', 'f'], 'Pass / fail on the active pass/fail criterion'],
  [['1', '…', '5'], 'Scale point on the active 1-5 criterion'],
  [['1', '…', '9'], 'Option of the active category criterion'],
  [['Backspace'], 'Clear the active criterion'],
  [['t'], 'Add an edge-case tag (type, ↓ ↑, Enter; Enter on “Create” makes a new tag)'],
  [['n'], 'Write a note'],
  [['Esc'], 'Leave the note or tag field; close a dialog'],
  [['Enter', 'Ctrl+Enter'], 'Submit and go to the next open item (Ctrl+Enter also from the note)'],
  [['s'], 'Skip with a reason (Enter confirms)'],
  [['u', 'Ctrl+Z'], 'Undo the last decision of this session'],
  [['m'], 'Render input and output as sanitised markdown (on/off)'],
  [[SLICE_PANEL_KEY.key], SLICE_PANEL_KEY.help.replace(/^./, (ch) => ch.toUpperCase())],
  [['g q'], 'Back to the queues'],
  [['?'], 'Show or hide this cheat sheet'],
];

interface Draft { verdicts: Record<string, VerdictValue>; tags: ChosenTag[]; note: string }
const EMPTY_DRAFT: Draft = { verdicts: {}, tags: [], note: '' };

declare global { interface Window { __loupeReviewTimings?: number[] } }

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && !!el.tagName && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

function draftOf(item: ReviewItem): Draft {
  const m = item.mine;
  if (!m || m.skipped) {
    // An identical item already reviewed: its verdicts and tags are filled in, for one-key confirmation.
    const same = !m ? item.same_content : null;
    return same ? { verdicts: { ...same.verdicts }, tags: same.tags.map((t) => ({ ...t })), note: '' } : EMPTY_DRAFT;
  }
  return { verdicts: { ...m.verdicts }, tags: m.tags.map((t) => ({ ...t })), note: m.note ?? '' };
}

/** What a key press did, or why it did nothing, for the key hint line. */
function keyHint(c: RubricCriterion, key: string): string {
  const keys = c.kind === 'pass_fail' ? 'p or f' : c.kind === 'scale' ? '1–5' : `1–${Math.min(9, c.options?.length ?? 0)}`;
  return `“${key}” is not a key of ${c.label} (${keys}); nothing changed. ↑/↓ move to another criterion.`;
}

type Status = 'open' | 'reviewed' | 'skipped';

/** The review screen of one queue, at `start` or at the first position that needs this reviewer. `onBack` returns to the queue list. */
export function ReviewPage({ queueId, start, onBack }: { queueId: number; start: number | null; onBack: () => void }) {
  const { client, info } = useApp();
  const zone = info.time_zone;
  const reviewerQ = useStoreQuery('review.getReviewer', {}, []);
  const [reviewer, setReviewer] = useState<string | null | undefined>(undefined);
  useEffect(() => { if (reviewerQ.data) setReviewer(reviewerQ.data.reviewer); }, [reviewerQ.data]);
  const queueQ = useStoreQuery('queues.get', { queue_id: queueId }, ['queues', 'reviews']);
  const queue: QueueDetail | null = queueQ.data;

  const cache = useRef(new Map<number, ReviewItem>());
  const inflight = useRef(new Map<number, Promise<ReviewItem>>());
  const drafts = useRef(new Map<number, Draft>());
  const [position, setPosition] = useState<number | null>(null);
  const [item, setItem] = useState<ReviewItem | null>(null);
  const [draft, setDraftState] = useState<Draft>(EMPTY_DRAFT);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [local, setLocal] = useState(new Map<number, Status>());
  const [skipping, setSkipping] = useState(false);
  const [skipReason, setSkipReason] = useState('');
  const [help, setHelp] = useState(false);
  const [markdown, setMarkdown] = useStoredState('loupe.markdown', false);
  const [sliceOpen, setSliceOpen] = useSlicePanelOpen();
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const navStart = useRef<number | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const skipRef = useRef<HTMLInputElement>(null);
  const tagRef = useRef<TagPickerHandle>(null);
  const pendingG = useRef(0);

  const fetchItem = useCallback((pos: number, fresh = false): Promise<ReviewItem> => {
    if (!fresh) {
      const c = cache.current.get(pos);
      if (c) return Promise.resolve(c);
      const f = inflight.current.get(pos);
      if (f) return f;
    }
    const p = client.call('review.item', { queue_id: queueId, position: pos }).then((it) => {
      cache.current.set(pos, it);
      inflight.current.delete(pos);
      return it;
    }, (e: unknown) => { inflight.current.delete(pos); throw e; });
    inflight.current.set(pos, p);
    return p;
  }, [client, queueId]);

  const prefetch = useCallback((it: ReviewItem) => {
    for (const p of [it.next_open, it.position + 1, it.position - 1]) {
      if (p !== null && p >= 1 && p <= it.size && !cache.current.has(p)) fetchItem(p).catch(() => undefined);
    }
  }, [fetchItem]);

  const show = useCallback((it: ReviewItem) => {
    setItem(it);
    setPosition(it.position);
    setDraftState(drafts.current.get(it.position) ?? draftOf(it));
    setActive(0);
    // A hint about the last item's keys says nothing about this one.
    setHint(null);
    setSkipping(false);
    prefetch(it);
  }, [prefetch]);

  /** Moves to a position: from the cache at once when it is there, then refreshed from the store. */
  const wanted = useRef<number | null>(null);
  const go = useCallback((pos: number) => {
    navStart.current = performance.now();
    wanted.current = pos;
    const cached = cache.current.get(pos);
    if (cached) show(cached);
    else setPosition(pos);
    // State is set outside any updater function: a setState inside an updater can be dropped, which left the
    // screen on the previous item after an undo (the rail moved, the item did not).
    fetchItem(pos, true).then((fresh) => {
      if (wanted.current !== pos) return; // the reviewer moved on meanwhile
      if (!cached) { show(fresh); return; }
      setItem(fresh);
      // A decision made meanwhile (here or on an identical item) changes what the draft starts from.
      if (!drafts.current.has(pos) && (JSON.stringify(cached.mine) !== JSON.stringify(fresh.mine) || JSON.stringify(cached.same_content) !== JSON.stringify(fresh.same_content))) setDraftState(draftOf(fresh));
      prefetch(fresh);
    }, (e: unknown) => setError(asErrorData(e)));
  }, [fetchItem, prefetch, show]);

  // The first position that still needs this reviewer.
  useEffect(() => {
    if (!reviewer) return;
    if (start !== null) { go(start); return; }
    let live = true;
    client.call('review.nextOpen', { queue_id: queueId, from: 1 }).then((r) => { if (live) go(r.position ?? 1); }, (e: unknown) => setError(asErrorData(e)));
    return () => { live = false; };
  }, [client, queueId, reviewer, go, start]);

  // Time from the key press to the first painted frame of the new item.
  useLayoutEffect(() => {
    if (navStart.current === null || !item) return;
    const t0 = navStart.current;
    navStart.current = null;
    requestAnimationFrame(() => {
      const dt = performance.now() - t0;
      (window.__loupeReviewTimings ??= []).push(dt);
      setRenderMs(dt);
    });
  }, [item?.position]); // eslint-disable-line react-hooks/exhaustive-deps

  const setDraft = (d: Draft) => {
    setDraftState(d);
    if (position !== null) drafts.current.set(position, d);
  };

  // An item's state as this reviewer sees it: an overlap item decided by one other reviewer still waits for them.
  const statusOf = useCallback((pos: number): Status => {
    const l = local.get(pos);
    if (l) return l;
    const it = queue?.items[pos - 1];
    if (!it) return 'open';
    if (it.overlap && reviewer && !it.reviewers.includes(reviewer) && it.reviewers.length < 2) return 'open';
    return it.status;
  }, [local, queue, reviewer]);

  // Queue statuses from the store replace the optimistic ones once they arrive.
  useEffect(() => { setLocal(new Map()); }, [queue]);

  const criteria = item?.rubric.criteria ?? [];
  const focusRoot = () => rootRef.current?.focus();

  const decide = async (kind: 'submit' | 'skip') => {
    if (!item) return;
    const pos = item.position;
    const d = draft;
    if (kind === 'submit') {
      // Text typed in the tag field but not added would be lost silently: stop and say so.
      const typed = tagRef.current?.pending() ?? '';
      if (typed) {
        setError({ code: 'BAD_REQUEST', message: `The tag “${typed}” is typed but not added. Press Enter in the tag field to add it, or Esc to clear it.` });
        tagRef.current?.focus();
        return;
      }
      const missing = missingVerdicts(criteria, d.verdicts);
      if (missing.length > 0) {
        setError({ code: 'BAD_REQUEST', message: `Give a verdict for ${missing.map((c) => c.label).join(', ')} before submitting.` });
        setActive(criteria.indexOf(missing[0]!));
        setHint(null);
        focusRoot();
        return;
      }
    } else if (!skipReason.trim()) {
      setError({ code: 'BAD_REQUEST', message: 'Say why you skip this item (e.g. “not English”, “output missing”).' });
      skipRef.current?.focus();
      return;
    }
    setError(null);
    drafts.current.set(pos, d);
    const reason = skipReason.trim();
    setSkipReason('');
    setLocal((m) => new Map(m).set(pos, kind === 'submit' ? 'reviewed' : 'skipped'));
    const next = item.next_open;
    focusRoot();
    if (next !== null) go(next);
    else setSkipping(false);
    try {
      const r = kind === 'submit'
        ? await client.call('review.submit', { queue_id: queueId, position: pos, verdicts: d.verdicts, tag_ids: d.tags.map((t) => t.id), note: d.note.trim() || null, session_id: SESSION_ID })
        : await client.call('review.skip', { queue_id: queueId, position: pos, reason, session_id: SESSION_ID });
      drafts.current.delete(pos);
      cache.current.delete(pos);
      fetchItem(pos).catch(() => undefined);
      // The item shown now was fetched before this decision reached the store: if it has the same content, the
      // decision just made is what it should start from (only while the reviewer has not touched it).
      if (kind === 'submit' && next !== null) {
        fetchItem(next, true).then((fresh) => {
          if (wanted.current !== next || drafts.current.has(next) || fresh.mine || !fresh.same_content) return;
          setItem(fresh);
          setDraftState(draftOf(fresh));
        }, () => undefined);
      }
      setSaved(kind === 'submit'
        ? `Saved review of #${pos}${r.failed ? ' (failure)' : ''} · on disk in ${fmtMs(r.durable_ms)}`
        : `Skipped #${pos} · on disk in ${fmtMs(r.durable_ms)}`);
      if (next === null) go(pos);
    } catch (e) {
      setLocal((m) => { const n = new Map(m); n.delete(pos); return n; });
      setError({ ...asErrorData(e), message: `Not saved: #${pos}. ${asErrorData(e).message}` });
      go(pos);
    }
  };

  const undo = async () => {
    try {
      const r = await client.call('review.undo', { session_id: SESSION_ID });
      if (!r.undone) { setSaved('Nothing to undo in this session.'); return; }
      const pos = r.undone.queue_id === queueId ? r.undone.position : null;
      setSaved(pos !== null ? `Undid the decision on #${pos}.` : `Undid a decision on request ${r.undone.request_id} (another queue).`);
      if (pos !== null) {
        cache.current.delete(pos);
        drafts.current.delete(pos);
        setLocal((m) => { const n = new Map(m); n.delete(pos); return n; });
        go(pos);
      }
    } catch (e) { setError(asErrorData(e)); }
  };

  const setVerdict = (c: RubricCriterion, v: VerdictValue | null) => {
    const verdicts = { ...draft.verdicts };
    if (v === null) delete verdicts[c.id]; else verdicts[c.id] = v;
    setDraft({ ...draft, verdicts });
    setHint(null);
  };

  // The screen's keys. Capture phase on window, so they work wherever focus is on the page and the shell's own
  // `?` help does not open on top of the review cheat sheet.
  const keyState = { item, draft, active, criteria, skipping, help, position, named: typeof reviewer === 'string' };
  const keyRef = useRef(keyState);
  keyRef.current = keyState;
  const actions = { decide, undo, go, setVerdict, setHelp, setSkipping, setMarkdown, markdown, onBack, setActive, setHint };
  const actRef = useRef(actions);
  actRef.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = keyRef.current;
      const a = actRef.current;
      const target = e.target as HTMLElement | null;
      const stop = () => { e.preventDefault(); e.stopPropagation(); };
      // Until the reviewer's name is saved, keys belong to the name form: no review shortcut fires.
      if (!s.named) return;
      if (s.help) {
        if (e.key === 'Escape' || e.key === '?') { stop(); a.setHelp(false); requestAnimationFrame(() => rootRef.current?.focus()); }
        return;
      }
      if (isTyping(target)) {
        if (e.key === 'Escape' && !target?.closest('[data-own-escape]')) {
          stop();
          if (target === skipRef.current) a.setSkipping(false);
          rootRef.current?.focus();
        } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && target === noteRef.current) {
          stop();
          void a.decide('submit');
        }
        return;
      }
      if (e.altKey || e.metaKey) return;
      if (e.ctrlKey) {
        if (e.key === 'z' || e.key === 'Z') { stop(); void a.undo(); }
        else if (e.key === 'Enter') { stop(); void a.decide('submit'); }
        return;
      }
      if (e.key === 'g') { pendingG.current = Date.now(); return; }
      if (Date.now() - pendingG.current < 1500) {
        pendingG.current = 0;
        if (e.key === 'q') { stop(); a.onBack(); }
        return; // other g-keys belong to the shell
      }
      if (!s.item) return;
      const c = s.criteria[s.active];
      const tag = target?.tagName;
      switch (e.key) {
        case '?': stop(); a.setHelp(true); return;
        // Moves count from the position last asked for, so quick repeated presses each move one step.
        case 'j': case 'ArrowRight': { stop(); const at = wanted.current ?? s.item.position; if (at < s.item.size) a.go(at + 1); return; }
        case 'k': case 'ArrowLeft': { stop(); const at = wanted.current ?? s.item.position; if (at > 1) a.go(at - 1); return; }
        case 'ArrowDown': stop(); a.setHint(null); a.setActive(Math.min(s.criteria.length - 1, s.active + 1)); return;
        case 'ArrowUp': stop(); a.setHint(null); a.setActive(Math.max(0, s.active - 1)); return;
        case 'Enter':
          // Enter on a focused button or link activates it; anywhere else it submits.
          if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return;
          stop(); void a.decide('submit'); return;
        case 'u': stop(); void a.undo(); return;
        case 's': stop(); a.setSkipping(true); requestAnimationFrame(() => skipRef.current?.focus()); return;
        case 'n': stop(); noteRef.current?.focus(); return;
        case 't': stop(); tagRef.current?.focus(); return;
        case 'm': stop(); a.setMarkdown(!a.markdown); return;
        case 'Backspace': case 'Delete': if (c) { stop(); a.setVerdict(c, null); } return;
        default:
          if (c) {
            const v = verdictForKey(c, e.key);
            if (v !== null) { stop(); a.setVerdict(c, v); }
            else if (/^[pf1-9]$/.test(e.key)) { stop(); a.setHint(keyHint(c, e.key)); }
          }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  if (reviewerQ.error) return <div className="page"><ErrorNote error={reviewerQ.error} /></div>;
  if (reviewer === undefined) return <div className="page muted">Loading…</div>;
  if (reviewer === null) {
    return (
      <div className="page narrow">
        <section className="card" aria-label="Before the first review">
          <h2>Before the first review</h2>
          <p className="muted">Loupe stores the reviewer’s name with every decision, so agreement between reviewers and the report’s list of reviewers are right. You are asked once per workspace; change it any time from the review header.</p>
          <p className="small warn-text" data-testid="reviewer-keys-note">Type your name below: review keys (p, f, 1-9, Enter) start working once it is saved.</p>
          <ReviewerForm current={null} onSaved={(n) => setReviewer(n)} onCancel={onBack} />
        </section>
      </div>
    );
  }

  const decided = queue ? queue.items.filter((_, i) => statusOf(i + 1) !== 'open').length : 0;
  return (
    <div className="review-screen" ref={rootRef} tabIndex={-1} data-testid="review-screen" aria-label="Review">
      <QueueRail queue={queue} position={position} statusOf={statusOf} onPick={(p) => { go(p); focusRoot(); }} onBack={onBack} decided={decided} />
      <section className="review-item" aria-label="Item" data-testid="review-item" data-position={item?.position ?? ''} data-render-ms={renderMs === null ? '' : renderMs.toFixed(1)}>
        {queueQ.error && <ErrorNote error={queueQ.error} />}
        {!item && !error && <p className="muted pad">Loading…</p>}
        {item && <ItemView item={item} zone={zone} markdown={markdown} setMarkdown={setMarkdown} status={statusOf(item.position)} onShowContext={sliceOpen ? null : () => setSliceOpen(true)} />}
      </section>
      <aside className="review-form" aria-label="Rubric">
        {item && (
          <>
            <div className="form-head">
              <span className="muted small">Rubric v{item.rubric.version} · reviewer <b data-testid="reviewer-name">{reviewer}</b></span>
              <button type="button" className="btn sm ghost" onMouseDown={(e) => e.preventDefault()} onClick={() => setHelp(true)} title="Keyboard cheat sheet">Keys <kbd>?</kbd></button>
            </div>
            <ol className="criteria" data-testid="criteria">
              {criteria.map((c, i) => (
                <CriterionRow key={c.id} c={c} value={draft.verdicts[c.id]} active={i === active}
                  onActivate={() => { setActive(i); setHint(null); }} onSet={(v) => setVerdict(c, v)} />
              ))}
            </ol>
            <p className={`small key-hint${hint ? ' warn-text' : ' muted'}`} role="status" aria-live="polite" data-testid="key-hint">
              {hint ?? (criteria[active] ? `Keys go to ${criteria[active]!.label}; ↑/↓ change the criterion.` : ' ')}
            </p>
            <h3>Edge-case tags <kbd>t</kbd></h3>
            <TagPicker key={item.position} ref={tagRef} value={draft.tags} onChange={(tags) => setDraft({ ...draft, tags })} onLeave={focusRoot} />
            <h3><label htmlFor="review-note">Note</label> <kbd>n</kbd></h3>
            <textarea id="review-note" ref={noteRef} className="note-input" value={draft.note} rows={3} maxLength={10000}
              placeholder="What a reader of the report should know (Esc leaves, Ctrl+Enter submits)"
              onChange={(e) => setDraft({ ...draft, note: e.target.value })} />
            {/* Submit, Skip and Undo stay in view at the foot of the rubric while the criteria scroll (at 1,024 px the
                rubric is taller than the window). */}
            <div className="review-footer">
              {skipping && (
                <form className="skip-form" onSubmit={(e) => { e.preventDefault(); void decide('skip'); }}>
                  <label className="stack-label">Why skip #{item.position}?
                    <input ref={skipRef} value={skipReason} onChange={(e) => setSkipReason(e.target.value)} maxLength={1000} aria-label="Skip reason" placeholder="e.g. not English, output missing" />
                  </label>
                  <div className="row-gap">
                    <button type="submit" className="btn sm">Skip item <kbd>Enter</kbd></button>
                    <button type="button" className="btn sm ghost" onClick={() => { setSkipping(false); focusRoot(); }}>Cancel <kbd>Esc</kbd></button>
                  </div>
                </form>
              )}
              <div className="review-actions">
                <button type="button" className="btn primary" onMouseDown={(e) => e.preventDefault()} onClick={() => void decide('submit')}>Submit <kbd>Enter</kbd></button>
                <button type="button" className="btn" onMouseDown={(e) => e.preventDefault()} onClick={() => { setSkipping(true); requestAnimationFrame(() => skipRef.current?.focus()); }}>Skip <kbd>s</kbd></button>
                <button type="button" className="btn ghost" onMouseDown={(e) => e.preventDefault()} onClick={() => void undo()}>Undo <kbd>u</kbd></button>
              </div>
              {error && <ErrorNote error={error} />}
              <p className="small muted save-line" role="status" data-testid="save-status">{saved ?? ' '}</p>
            </div>
          </>
        )}
      </aside>
      <SlicePanel item={item} queue={queue} open={sliceOpen} onHide={() => setSliceOpen(false)} />
      {help && <CheatSheet onClose={() => { setHelp(false); focusRoot(); }} />}
    </div>
  );
}

function QueueRail({ queue, position, statusOf, onPick, onBack, decided }: {
  queue: QueueDetail | null; position: number | null; statusOf: (p: number) => Status; onPick: (p: number) => void; onBack: () => void; decided: number;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const items = useMemo(() => queue?.items ?? [], [queue]);
  // One stratum for every item (a queue of one model, or unstratified): the label would repeat on every row, so the
  // row shows the part of its request id that differs instead.
  const labels = useMemo(() => (items.length > 1 && items.every((x) => x.stratum === items[0]!.stratum) ? idLabels(items.map((x) => x.request_id)) : null), [items]);
  const oneStratum = labels !== null;
  const v = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => 30, overscan: 12 });
  useEffect(() => { if (position !== null && items.length) v.scrollToIndex(position - 1, { align: 'auto' }); }, [position, items.length]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <nav className="queue-rail" aria-label="Queue positions">
      <div className="rail-head">
        <button type="button" className="btn sm ghost" onClick={onBack} title="Back to the queues (g q)">← Queues</button>
        {queue && <div className="rail-title ellipsis" title={queue.name}>{queue.name}</div>}
        {queue && (
          <div className="small muted" data-testid="rail-progress">{fmtInt(decided)} of {fmtInt(queue.size)} decided</div>
        )}
        {queue && <div className="meter thin"><span style={{ width: `${queue.size ? (decided / queue.size) * 100 : 0}%` }} /></div>}
        {queue && queue.size > 0 && decided >= queue.size && <div className="small ok-note" role="status">Every item has a decision. The estimates and the report are ready.</div>}
      </div>
      <div className="rail-scroll" ref={scrollRef}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((vi) => {
            const it = items[vi.index]!;
            const st = statusOf(it.position);
            return (
              <button key={it.position} type="button" data-testid="rail-item" data-status={st} data-position={it.position}
                className={`rail-item ${st}${it.position === position ? ' current' : ''}`} aria-current={it.position === position ? 'true' : undefined}
                style={{ transform: `translateY(${vi.start}px)` }} onClick={() => onPick(it.position)} tabIndex={-1}
                title={`${it.request_id} · ${fmtStratum(it.stratum)} · ${it.reason} · π = ${fmtProbability(it.inclusion_probability)}`}>
                <span className="rail-pos">{it.position}</span>
                {oneStratum
                  ? <span className="rail-stratum mono ellipsis" data-testid="rail-request">{labels![vi.index]}</span>
                  : <span className="rail-stratum ellipsis">{fmtStratumShort(it.stratum)}</span>}
                {it.overlap && <span className="badge" title="Also assigned, blind, to a second reviewer">2×</span>}
                {(() => {
                  // The verdict, not only that there is one: ✓ pass, ✗ fail (an overlap item shows only the viewer's own).
                  const v = st === 'reviewed' ? it.verdict : null;
                  const cls = v === 'fail' ? 'fail' : st;
                  const label = st === 'reviewed' ? (v === 'fail' ? 'reviewed: fail' : v === 'pass' ? 'reviewed: pass' : 'reviewed') : st;
                  return <span className={`rail-state ${cls}`} aria-label={label} title={label} data-verdict={v ?? ''}>{st === 'reviewed' ? (v === 'fail' ? '✗' : '✓') : st === 'skipped' ? '–' : '○'}</span>;
                })()}
              </button>
            );
          })}
        </div>
      </div>
    </nav>
  );
}

function CriterionRow({ c, value, active, onActivate, onSet }: {
  c: RubricCriterion; value: VerdictValue | undefined; active: boolean; onActivate: () => void; onSet: (v: VerdictValue | null) => void;
}) {
  const choice = (v: VerdictValue, label: string, key: string, cls = '') => (
    <button key={String(v)} type="button" className={`choice${value === v ? ` on ${cls}` : ''}`} aria-pressed={value === v}
      onMouseDown={(e) => e.preventDefault()} onClick={() => { onActivate(); onSet(value === v ? null : v); }}>
      {label}{key && <kbd>{key}</kbd>}
    </button>
  );
  return (
    <li className={`criterion${active ? ' active' : ''}`} data-testid={`criterion-${c.id}`} data-value={value === undefined ? '' : String(value)} onClick={onActivate}>
      <div className="criterion-head">
        <span className="criterion-label">{c.label}{(c.kind === 'pass_fail' || c.required) && <span className="req" title="Required">*</span>}</span>
        <span className="muted small">{c.kind === 'pass_fail' ? 'pass / fail' : c.kind === 'scale' ? '1–5' : 'category'}</span>
      </div>
      <div className="choices" role="group" aria-label={c.label}>
        {c.kind === 'pass_fail' && <>{choice('pass', 'Pass', 'p', 'ok')}{choice('fail', 'Fail', 'f', 'bad')}</>}
        {c.kind === 'scale' && [1, 2, 3, 4, 5].map((n) => choice(n, String(n), ''))}
        {c.kind === 'category' && (c.options ?? []).map((o, i) => choice(o, o, i < 9 ? String(i + 1) : '·'))}
      </div>
      {c.guidance && <p className={`guidance${active ? '' : ' clamp'}`}>{c.guidance}</p>}
    </li>
  );
}

function ItemView({ item, zone, markdown, setMarkdown, status, onShowContext }: {
  item: ReviewItem; zone: string; markdown: boolean; setMarkdown: (v: boolean) => void; status: Status; onShowContext: (() => void) | null;
}) {
  const r = item.request;
  const it = item.item;
  const criteriaKinds = useMemo(() => new Map(item.rubric.criteria.map((c) => [c.id, c.kind])), [item.rubric]);
  return (
    <div className="item-scroll">
      <header className="item-head">
        <div className="item-title">
          <h2>#{item.position} <span className="muted">of {fmtInt(item.size)}</span></h2>
          <span className="mono small ellipsis" title={r.id} data-testid="item-request-id">{r.id}</span>
          <span className={`badge ${status === 'reviewed' ? 'ok' : status === 'skipped' ? '' : 'info'}`} data-testid="item-status">{status}</span>
          {it.overlap && <span className="badge" title="Also assigned, blind, to a second reviewer">overlap</span>}
        </div>
        <div className="item-head-tools">
          <label className="check small">
            <input type="checkbox" checked={markdown} onChange={(e) => setMarkdown(e.target.checked)} /> Render markdown <kbd>m</kbd>
          </label>
          {onShowContext && <SlicePanelShow onShow={onShowContext} />}
        </div>
      </header>
      <div className="why" data-testid="why-picked">
        <span><span className="muted">Why picked</span> {it.reason}</span>
        <span><span className="muted">Stratum</span> {fmtStratum(it.stratum)}</span>
        <span title="The chance this request had to be picked; its weight in the estimates is 1/π"><span className="muted">Inclusion probability</span> {fmtProbability(it.inclusion_probability)} <span className="muted">(weight {(1 / it.inclusion_probability).toFixed(1)})</span></span>
      </div>
      {!item.mine && item.same_content && (
        <div className="same-note" data-testid="same-content" role="note">
          Same content as {item.same_content.position !== null ? `#${item.same_content.position}` : `an item of queue #${item.same_content.queue_id ?? '?'}`} (<span className="mono">{item.same_content.request_id}</span>), reviewed by {item.same_content.reviewer}: <b>{item.same_content.failed ? 'fail' : 'pass'}</b>.
          {' '}Its decision is filled in: press <kbd>Enter</kbd> to confirm it for this item, or change it. This request keeps its own weight and counts once.
        </div>
      )}
      {item.mine && (
        <div className={`mine-note${item.mine.skipped ? ' skipped' : ''}`} data-testid="my-decision">
          {item.mine.skipped
            ? <>You skipped this item: {item.mine.skip_reason}</>
            : <>Your review is saved{item.mine.failed ? ' (failure)' : ''}; submitting again replaces it.</>}
        </div>
      )}
      <h3>Input</h3>
      <SafeText text={r.input} markdown={markdown} label="Input" />
      <h3>Output</h3>
      <SafeText text={r.output} markdown={markdown} label="Output" />
      <h3>Metadata</h3>
      <Fields items={[
        ['Time', <span className="mono" key="t">{fmtTs(r.ts, zone)}</span>],
        ['Model', r.model],
        ['Version', r.model_version],
        ['Feature', r.feature],
        ['Status', <><StatusBadge status={r.status} isError={r.is_error === 1} />{r.error && <span className="err-text"> {r.error}</span>}</>],
        ['Latency', r.latency_ms === null ? null : fmtMs(r.latency_ms)],
        ['Tokens in / out', r.tokens_in === null && r.tokens_out === null ? null : `${fmtInt(r.tokens_in)} / ${fmtInt(r.tokens_out)}`],
        ['Cost', r.cost_usd === null ? null : fmtUsd(r.cost_usd)],
        ['Segment', r.segment],
        ['User', r.user_id],
      ]} />
      <h3>Feedback <span className="count">{item.feedback.length}</span></h3>
      {item.feedback.length === 0 ? <p className="muted">No feedback on this request.</p> : (
        <table className="table compact" data-testid="item-feedback">
          <thead><tr><th>Kind</th><th className="num">Value</th><th>Comment</th><th>Source</th><th>Time</th></tr></thead>
          <tbody>
            {item.feedback.map((f) => (
              <tr key={f.id}>
                <td>{f.kind}</td>
                <td className="num">{fmtFeedbackValue(f)}</td>
                <td className="wrap">{f.comment ?? ''}</td>
                <td>{f.source ?? ''}</td>
                <td className="mono nowrap">{fmtTs(f.ts, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Linked tickets <span className="count">{item.tickets.length}</span></h3>
      {item.tickets.length === 0 ? <p className="muted">No tickets are linked to this request.</p> : (
        <table className="table compact">
          <thead><tr><th>Ticket</th><th>Subject</th><th>Status</th><th className="num">CSAT</th><th>How linked</th></tr></thead>
          <tbody>
            {item.tickets.map((t) => (
              <tr key={t.id}>
                <td className="mono">{t.id}</td>
                <td className="wrap">{t.subject ?? ''}</td>
                <td>{t.status ?? ''}</td>
                <td className="num">{t.csat ?? '—'}</td>
                <td><span className={`badge ${t.link.method === 'explicit' ? 'ok' : 'info'}`}>{t.link.method}</span> {t.link.rule}{t.link.gap_ms !== null && <span className="muted"> · {fmtGap(t.link.gap_ms)}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Earlier reviews <span className="count">{item.blind ? item.hidden_reviews : item.earlier_reviews.length}</span></h3>
      {item.blind ? (
        <p className="muted" data-testid="blind-note">Hidden: this is an overlap item and you review it blind. {item.hidden_reviews} earlier review{item.hidden_reviews === 1 ? ' is' : 's are'} shown after your decision.</p>
      ) : item.earlier_reviews.length === 0 ? <p className="muted">No one else has reviewed this request.</p> : (
        <table className="table compact" data-testid="earlier-reviews">
          <thead><tr><th>Reviewer</th><th>Verdicts</th><th>Tags</th><th>Note</th><th>Rubric</th></tr></thead>
          <tbody>
            {item.earlier_reviews.map((v) => (
              <tr key={v.id}>
                <td>{v.reviewer}<div className="muted small">{fmtTs(v.created_at, zone)}</div></td>
                <td className="small">{v.skipped ? <span className="muted">skipped: {v.skip_reason}</span> : Object.entries(v.verdicts).map(([k, val]) => <div key={k}>{k}: <b>{fmtVerdict(val, criteriaKinds.get(k))}</b></div>)}</td>
                <td><span className="tags">{v.tags.map((t) => <TagChip key={t.id} name={t.name} colour={t.colour} />)}</span></td>
                <td className="wrap small">{v.note ?? ''}</td>
                <td className="small">v{v.rubric_version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function CheatSheet({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { ref.current?.focus(); }, []);
  return (
    <div className="overlay" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="dialog wide" role="dialog" aria-modal="true" aria-labelledby="review-keys-title" tabIndex={-1} ref={ref} data-testid="review-cheat-sheet">
        <header className="dialog-head">
          <h2 id="review-keys-title">Review keys</h2>
          <button type="button" className="btn sm ghost" onClick={onClose} aria-label="Close">✕</button>
        </header>
        <table className="table compact shortcuts">
          <tbody>
            {KEYS.map(([keys, what]) => (
              <tr key={what}>
                <td className="keys">{keys.map((k, i) => <span key={`${k}${i}`}>{i > 0 && <span className="muted small">{keys.length === 2 ? ' or ' : ' '}</span>}<kbd>{k}</kbd></span>)}</td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small top-gap">The active criterion is outlined; keys apply to it only, and only ↑/↓ move to another criterion. A decision is on disk when the status line says so.</p>
      </div>
    </div>
  );
}
