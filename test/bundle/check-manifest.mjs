// Fails when custom-elements.json is not what the analyser makes of src/ now,
// so the committed manifest never drifts from the class JSDoc. Fix: npm run analyze.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

// The analyser joins outdir to the working directory, so the fresh copy goes in an ignored folder here.
const outdir = 'node_modules/.cache/cem-check';
try {
  execFileSync('npx', ['cem', 'analyze'], { stdio: 'pipe', env: { ...process.env, CEM_OUTDIR: outdir } });
  const fresh = readFileSync(`${outdir}/custom-elements.json`, 'utf8');
  const committed = readFileSync('custom-elements.json', 'utf8');
  if (JSON.stringify(JSON.parse(fresh)) !== JSON.stringify(JSON.parse(committed))) {
    console.error('custom-elements.json is out of date with src/: run `npm run analyze` and commit it.');
    process.exit(1);
  }
  console.log('custom-elements.json matches src/');
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
