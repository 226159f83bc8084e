// Times jsondiffpatch on the two documents diff_bench writes, for comparison with ConnectorDiff.
// Arrays are matched by `name` (like the Databar rules) with move detection; no text diffs.
// Setup: npm install --prefix bench   Usage: node bench/diff/jsondiffpatch.mjs [DATA_DIR] [ITERATIONS]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as jsondiffpatch from 'jsondiffpatch';

const dir = process.argv[2] ?? 'bench-diff-data';
const iterations = Math.max(1, Number(process.argv[3] ?? 30));
const before = JSON.parse(readFileSync(join(dir, 'before.json'), 'utf8'));
const after = JSON.parse(readFileSync(join(dir, 'after.json'), 'utf8'));

const differ = jsondiffpatch.create({
  objectHash: (obj, index) => (obj && obj.name !== undefined ? String(obj.name) : `$$index:${index}`),
  arrays: { detectMove: true, includeValueOnMove: false },
});

const times = [];
let delta;
for (let i = 0; i < iterations; i++) {
  const start = performance.now();
  delta = differ.diff(before, after);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`jsondiffpatch ${median.toFixed(2)} ms median over ${iterations} runs ` +
  `(delta keys: ${Object.keys(delta ?? {}).join(', ')})`);
