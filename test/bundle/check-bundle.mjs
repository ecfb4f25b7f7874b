// Checks the drop-in file that `npm run build` wrote, and prints its size.
// Run by `npm test` after the browser tests: node test/bundle/check-bundle.mjs
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const file = 'dist/loome-rule-runner.js';
/** A guard, not a target: a named `import { z } from 'zod'` alone would add about 85 KB gzip. */
const GZIP_BUDGET_BYTES = 25 * 1024;

const code = readFileSync(file, 'utf8');
const gzipBytes = gzipSync(code, { level: 9 }).length;
const problems = [];

// A strict CSP (no 'unsafe-eval') reports even a probe for eval, so none may be in the file.
/** @type {[RegExp, string][]} */
const evalPatterns = [
  [/\beval\s*\(/, 'eval('],
  [/\bnew\s+Function\b/, 'new Function'],
  [/[^.\w$]Function\s*\(/, 'Function('],
  [/=\s*Function\b/, 'an alias of Function'],
];
for (const [pattern, what] of evalPatterns) {
  if (pattern.test(code)) problems.push(`contains ${what}: it would need 'unsafe-eval'`);
}
// One ES module with Lit and zod inlined: no import of anything else.
if (/(^|[;}\s])import\s*[\w{*"'`(]/.test(code) || /\bfrom\s*["'`]/.test(code)) {
  problems.push('imports another module: Lit and zod must be inlined');
}
if (!code.includes('customElements.define')) problems.push('does not register the element');
if (gzipBytes > GZIP_BUDGET_BYTES) problems.push(`is ${gzipBytes} B gzip, over the ${GZIP_BUDGET_BYTES} B budget`);

console.log(`${file}: ${code.length} B minified, ${gzipBytes} B gzip (${(gzipBytes / 1024).toFixed(1)} KiB)`);
if (problems.length) {
  for (const problem of problems) console.error(`${file} ${problem}`);
  process.exit(1);
}
console.log(`${file}: no eval or Function, no imports, registers the element`);
