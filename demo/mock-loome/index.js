// @ts-check
// A local mock of Loome for the demo and the browser tests: the identity server,
// the Monitor API, a host token endpoint (what a portal backend would do), and a
// few control endpoints for tests. One request handler, mounted into Vite (dev and
// preview) or @web/dev-server / web-test-runner by the adapters at the bottom.
//
// Routes:
//   POST /mock-loome/identity/connect/token               identity server (client_credentials)
//   POST /api/loome/token[?expires_in=N]                  host token endpoint
//   POST /api/loome/token-html | token-bad | token-500    broken host token endpoints
//   POST /mock-loome/api/v1/rulesets/{ruleId}/execute     Monitor API: trigger a rule
//   GET  /mock-loome/api/v1/rulesets/executions/{id}      Monitor API: read an execution
//   POST /mock-loome/control/revoke-tokens                every issued token → 401 (204)
//   GET  /mock-loome/control/log                          the request log (JSON)
//   POST /mock-loome/control/reset-log                    clear the request log (204)
//   POST /mock-loome/control/reset-execute-counts         rules' "first execute" replies apply again (204)
// Anything else is not the mock's: handle() answers false and the server carries on.

import { createIdentityServer } from './identity-server.js';
import { createHostTokenEndpoint } from './host-token-endpoint.js';
import { createMonitorApi } from './monitor-api.js';
import { createRequestLog } from './request-log.js';
import { HttpError, hasBearer, sendEmpty, sendJson } from './http-helpers.js';

export { MOCK_RULES, findMockRule } from './rules.js';
export { DEMO_CLIENT } from './identity-server.js';
export { FIRST_EXECUTION_ID } from './monitor-api.js';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./rules.js').MockRule} MockRule */
/** @typedef {import('./request-log.js').LoggedRequest} LoggedRequest */

/**
 * @typedef {object} MockLoomeOptions
 * @property {number} [tokenLifetimeSeconds] `expires_in` of issued tokens; 300 by default
 */

/**
 * @typedef {object} MockLoome
 * @property {(req: IncomingMessage, res: ServerResponse) => Promise<boolean>} handle
 *   answers the request and resolves true, or resolves false (without touching
 *   the request) when the path is not the mock's
 */

/**
 * @callback RouteHandler
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 * @param {{ url: URL, params: string[] }} context
 * @returns {void | Promise<void>}
 */

/**
 * @typedef {object} Route
 * @property {string} method
 * @property {RegExp} pattern matched against the whole path; groups become params
 * @property {RouteHandler} handler
 * @property {boolean} [unlogged] control endpoints stay out of the request log, so
 *   tests see only what the element did
 */

const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

/**
 * Creates a mock with its own state (tokens, executions, counters, request log):
 * two mocks never share anything.
 * @param {MockLoomeOptions} [options]
 * @returns {MockLoome}
 */
export function createMockLoome(options = {}) {
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isFinite(tokenLifetimeSeconds) || tokenLifetimeSeconds < 0) {
    throw new TypeError('tokenLifetimeSeconds must be a non-negative number');
  }

  const identity = createIdentityServer({ tokenLifetimeSeconds });
  const host = createHostTokenEndpoint({ identity });
  const monitor = createMonitorApi({ identity });
  const log = createRequestLog();

  /** @type {Route[]} */
  const routes = [
    {
      method: 'POST',
      pattern: /^\/mock-loome\/identity\/connect\/token$/,
      handler: (req, res) => identity.handleTokenRequest(req, res),
    },
    {
      method: 'POST',
      pattern: /^\/api\/loome\/token$/,
      handler: (req, res, { url }) => host.token(req, res, url),
    },
    { method: 'POST', pattern: /^\/api\/loome\/token-html$/, handler: host.tokenHtml },
    { method: 'POST', pattern: /^\/api\/loome\/token-bad$/, handler: host.tokenBad },
    { method: 'POST', pattern: /^\/api\/loome\/token-500$/, handler: host.token500 },
    {
      method: 'POST',
      pattern: /^\/mock-loome\/api\/v1\/rulesets\/([^/]+)\/execute$/,
      handler: (req, res, { params }) => monitor.execute(req, res, params[0] ?? ''),
    },
    {
      method: 'GET',
      pattern: /^\/mock-loome\/api\/v1\/rulesets\/executions\/([^/]+)$/,
      handler: (req, res, { params }) => monitor.getExecution(req, res, params[0] ?? ''),
    },
    {
      method: 'POST',
      pattern: /^\/mock-loome\/control\/revoke-tokens$/,
      unlogged: true,
      handler: (req, res) => {
        req.resume();
        identity.revokeAll();
        sendEmpty(res, 204);
      },
    },
    {
      method: 'GET',
      pattern: /^\/mock-loome\/control\/log$/,
      unlogged: true,
      handler: (req, res) => {
        req.resume();
        sendJson(res, 200, log.entries());
      },
    },
    {
      method: 'POST',
      pattern: /^\/mock-loome\/control\/reset-execute-counts$/,
      unlogged: true,
      handler: (req, res) => {
        req.resume();
        monitor.resetExecuteCounts();
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      pattern: /^\/mock-loome\/control\/reset-log$/,
      unlogged: true,
      handler: (req, res) => {
        req.resume();
        log.clear();
        sendEmpty(res, 204);
      },
    },
  ];

  /** @type {MockLoome['handle']} */
  async function handle(req, res) {
    /** @type {URL} */
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://mock-loome.invalid');
    } catch {
      return false; // not a path the mock could own; let the server deal with it
    }
    const path = url.pathname;
    const matching = routes.filter((route) => route.pattern.test(path));
    if (matching.length === 0) return false;

    const method = (req.method ?? 'GET').toUpperCase();
    const route = matching.find((candidate) => candidate.method === method);
    let bearer = false;
    try {
      bearer = hasBearer(req);
      if (!route) {
        req.resume();
        sendJson(
          res,
          405,
          { message: 'Method Not Allowed' },
          { Allow: matching.map((candidate) => candidate.method).join(', ') },
        );
      } else {
        const params = route.pattern.exec(path)?.slice(1) ?? [];
        await route.handler(req, res, { url, params });
      }
    } catch (error) {
      answerError(res, error);
    }

    if (!route?.unlogged) {
      log.add({ method, path, status: res.statusCode, bearer });
    }
    return true;
  }

  return { handle };
}

/**
 * Turns an exception into an answer, so one bad request never takes the dev
 * server down: HttpError → its own status and body; anything else → 500.
 * @param {ServerResponse} res
 * @param {unknown} error
 */
function answerError(res, error) {
  if (res.headersSent) {
    // Too late for a clean answer; cut the connection so the client sees a failure.
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(res, error.status, error.body);
    return;
  }
  console.error('[mock-loome] unexpected error:', error);
  sendJson(res, 500, { message: 'The Loome mock failed unexpectedly; see the dev server log.' });
}

/**
 * A Vite plugin that serves the mock from the dev server and from `vite preview`.
 * Both share one mock instance (one state) per plugin call.
 * @param {MockLoomeOptions} [options]
 * @returns {import('vite').Plugin}
 */
export function mockLoomeVitePlugin(options) {
  const mock = createMockLoome(options);
  /** @type {import('vite').Connect.NextHandleFunction} */
  const middleware = (req, res, next) => {
    mock.handle(req, res).then((handled) => {
      if (!handled) next();
    }, next);
  };
  return {
    name: 'mock-loome',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}

/**
 * A koa middleware for @web/dev-server / web-test-runner (`middleware: [...]`).
 * Each call makes its own mock (its own state).
 * @param {MockLoomeOptions} [options]
 * @returns {import('koa').Middleware}
 */
export function mockLoomeWtrMiddleware(options) {
  const mock = createMockLoome(options);
  return async (ctx, next) => {
    if (await mock.handle(ctx.req, ctx.res)) {
      // The mock wrote the answer on the raw response; koa must not write another.
      ctx.respond = false;
      return;
    }
    return next();
  };
}
