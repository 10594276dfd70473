/**
 * Manual measurement (not a test): builds a workspace of N synthetic requests spread over W weeks ending with
 * 2026-W47 and runs {@link benchReview} on 2026-W47. Args: file, N, weeks, input padding (characters).
 */
import fs from 'node:fs';
import { Workspace } from '../../workspace';
import { benchReview } from '../bench-review';
import { insertSynthetic, W47_START, WEEK_MS } from '../test-fixtures';

const [file, nArg, weeksArg] = process.argv.slice(2);
const n = Number(nArg ?? '1000000');
const weeks = Number(weeksArg ?? '8');
const pad = Number(process.argv[5] ?? '0');
fs.rmSync(file!, { force: true });
const ws = await Workspace.open(file!, { create: true });
const t0 = performance.now();
insertSynthetic(ws.db, { n, seed: 1, start: W47_START - (weeks - 1) * WEEK_MS, span: weeks * WEEK_MS, duplicateEvery: 97, inputPad: pad });
console.log(`inserted ${n} requests over ${weeks} weeks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
ws.checkpoint();
console.log(JSON.stringify(benchReview(ws, { week: '2026-W47' })));
console.log(JSON.stringify(benchReview(ws, { week: '2026-W47' })));
ws.close();
