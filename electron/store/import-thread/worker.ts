/**
 * The import's reading thread: reads the file, decodes, parses and maps its records (import/read.ts,
 * import/mapping.ts) and posts mapped batches to the store thread, which only inserts them. Started by
 * {@link startReaderThread} (client.ts) for one import, from the bundle dist/node/import-reader.js.
 *
 * Protocol (protocol.ts): one {@link ReaderStart} on parentPort; then batches, and finally `done` or `error`, on the
 * transferred port, each followed by a tick (`0`) on parentPort that wakes the store thread. At most
 * `maxInFlight` batches are posted before the store thread sends a credit back.
 */
import { parentPort } from 'node:worker_threads';
import { LoupeError } from '../../../shared/errors';
import { buildMapper } from '../import/mapping';
import { mapBatches } from '../import/map-batches';
import { COLUMNS, packBatch, packedTransferables } from '../import/packed';
import { CellBuilder, toWire, wireTransferables } from '../summaries/stream';
import { ImportFileError } from '../import/read';
import { diskHasher, PhaseClock } from '../import/timings';
import type { FromReader, ReaderError, ReaderStart, ToReader } from './protocol';

if (!parentPort) throw new Error('import-reader must run in a worker thread');
const parent = parentPort;

function toReaderError(e: unknown): ReaderError {
  if (e instanceof ImportFileError) {
    return { kind: 'import-file', code: e.code, message: e.message, ...(e.line !== undefined ? { line: e.line } : {}), ...(e.action !== undefined ? { action: e.action } : {}) };
  }
  if (e instanceof LoupeError) return { kind: 'loupe', data: e.toData() };
  if (e instanceof Error) return { kind: 'other', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { kind: 'other', name: 'Error', message: String(e) };
}

async function run(start: ReaderStart): Promise<void> {
  const port = start.port;
  const send = (m: FromReader, transfer: ArrayBuffer[] = []) => {
    port.postMessage(m, transfer);
    parent.postMessage(0);
  };
  const clock = new PhaseClock();
  let credits = start.maxInFlight;
  let wake: (() => void) | null = null;
  port.on('message', (m: ToReader) => {
    if (m.type !== 'credit') return;
    credits++;
    const w = wake;
    wake = null;
    w?.();
  });
  try {
    const mapper = buildMapper(start.preset, start.sample, start.options, start.ctx);
    const hasher = diskHasher(clock);
    const { onDiskBytes } = hasher;
    // The summary cells of the request rows packed, when the store thread asked for them (summaries/stream.ts).
    const cells = start.pack && start.summaryCells ? new CellBuilder(COLUMNS.requests) : null;
    for await (const batch of mapBatches(start.file, start.src, mapper, clock, { onDiskBytes })) {
      if (credits === 0) {
        const t2 = performance.now();
        await new Promise<void>((resolve) => { wake = resolve; });
        clock.add('wait', performance.now() - t2);
      }
      credits--;
      const t3 = performance.now();
      if (start.pack) {
        const packed = packBatch(batch, cells);
        clock.add('map', performance.now() - t3);
        const t4 = performance.now();
        // The values' buffers are moved, not copied (import/encoded.ts).
        send({ type: 'packed', batch: packed }, packedTransferables(packed));
        clock.add('transfer', performance.now() - t4);
        continue;
      }
      send({ type: 'batch', ...batch });
      clock.add('transfer', performance.now() - t3);
    }
    const t5 = performance.now();
    const wire = cells ? toWire(cells) : null;
    clock.add('summaries', performance.now() - t5);
    send({ type: 'done', cells: wire, notes: mapper.notes, sha256: hasher.hex(), hashedBytes: hasher.bytes, timings: { ...clock.ms, total: clock.elapsed(), cpu_ms: clock.cpuMs() } }, wire ? wireTransferables(wire) : []);
  } catch (e) {
    send({ type: 'error', error: toReaderError(e) });
  } finally {
    // Not closed: a close could drop the last messages before the store thread takes them. The store thread ends
    // this thread once it has them; unref lets it end by itself if the store thread has gone.
    port.unref();
  }
}

parent.once('message', (start: ReaderStart) => { void run(start); });
