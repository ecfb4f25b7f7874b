// @ts-check
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { mockLoomeWtrMiddleware } from './demo/mock-loome/index.js';

/**
 * Tests run in Debian's headless Chromium (npm cannot download browsers here).
 * The test server also serves the mock of Loome, so suites can talk to it over real HTTP.
 */
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** The policy the drop-in file must run under (see test/csp/). */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html";

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts'],
  // One test file at a time: the real-HTTP suites share one mock (its request log and
  // counters), and this machine has 2 cores anyway.
  concurrency: 1,
  nodeResolve: { exportConditions: ['development'] },
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' })],
  middleware: [
    function strictCsp(context, next) {
      if (context.path.startsWith('/test/csp/')) context.set('Content-Security-Policy', STRICT_CSP);
      return next();
    },
    mockLoomeWtrMiddleware(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        // As root in a container Chromium needs --no-sandbox; this machine has no network
        // beyond the registries, so background networking only produces refused connections.
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
  // Lit announces its dev mode (used in tests for its extra warnings) in every file; that line is noise.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  testFramework: { config: { timeout: 10000 } },
  testsFinishTimeout: 5 * 60 * 1000,
};
