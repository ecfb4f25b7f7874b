// `npm run analyze` regenerates custom-elements.json from the class JSDoc (the public contract).
export default {
  globs: ['src/loome-rule-runner.ts', 'src/define.ts', 'src/events.ts'],
  outdir: process.env.CEM_OUTDIR ?? '.',
  litelement: true,
  packagejson: true,
};
