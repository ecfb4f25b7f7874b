// @ts-check
// Small helpers shared by the mock's routes: reading request bodies safely and
// writing JSON / HTML / empty answers. Plain node:http, so the same code runs
// under Vite (connect) and @web/dev-server (koa).

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * A canned HTTP answer, used by the rules table for faults ("answer 503",
 * "answer HTML", "answer JSON that fails validation").
 * @typedef {object} MockReply
 * @property {number} status
 * @property {unknown} [json] JSON body (sent as application/json)
 * @property {string} [html] HTML body (sent as text/html); wins over json
 * @property {Record<string, string>} [headers] extra headers, e.g. Retry-After
 */

/** Request bodies are tiny here; refuse anything large so a bad client cannot exhaust memory. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * An error that carries the HTTP answer it should become. Thrown by helpers
 * (bad JSON, body too large) and turned into a JSON answer by the router.
 */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {Record<string, unknown>} body
   */
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }
}

/**
 * Answers JSON. Content-Type is exactly `application/json` (what Loome sends and
 * what the element checks for). `no-store` because token answers must never be
 * cached (RFC 6749 §5.1) and status answers change on every call.
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * Answers an HTML page: what a sign-in redirect or a misconfigured proxy
 * returns where the element expects JSON.
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} html
 * @param {Record<string, string>} [headers]
 */
export function sendHtml(res, status, html, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(html)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(html);
}

/**
 * Answers with no body (204 for the control endpoints).
 * @param {ServerResponse} res
 * @param {number} status
 */
export function sendEmpty(res, status) {
  res.writeHead(status, { 'Cache-Control': 'no-store' });
  res.end();
}

/**
 * Sends a canned reply from the rules table.
 * @param {ServerResponse} res
 * @param {MockReply} reply
 */
export function sendReply(res, reply) {
  if (reply.html !== undefined) {
    sendHtml(res, reply.status, reply.html, reply.headers);
  } else if (reply.json !== undefined) {
    sendJson(res, reply.status, reply.json, reply.headers);
  } else {
    res.writeHead(reply.status, { 'Cache-Control': 'no-store', ...reply.headers });
    res.end();
  }
}

/**
 * Reads the whole request body as UTF-8 text, refusing bodies over
 * MAX_BODY_BYTES with 413.
 * @param {IncomingMessage} req
 * @returns {Promise<string>}
 */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        // Keep draining (not destroying) so the 413 can still be written back.
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(new HttpError(413, { error: 'Request body too large' }));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/**
 * Lets a request body we do not need flow away, so the connection can be
 * reused (execute takes no body, but a client may send one).
 * @param {IncomingMessage} req
 */
export function discardBody(req) {
  req.resume();
}

/**
 * The media type of the request without parameters, lower-cased
 * (`application/json; charset=utf-8` → `application/json`).
 * @param {IncomingMessage} req
 * @returns {string}
 */
export function mediaType(req) {
  const header = req.headers['content-type'] ?? '';
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The bearer token from the Authorization header, or null. The scheme is
 * case-insensitive (Loome's own PowerShell sample writes `bearer`).
 * @param {IncomingMessage} req
 * @returns {string | null}
 */
export function bearerToken(req) {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * True when the request carries an Authorization header with the Bearer
 * scheme (whatever the token). Used by the request log, which records only
 * this boolean, never the token.
 * @param {IncomingMessage} req
 * @returns {boolean}
 */
export function hasBearer(req) {
  return /^Bearer\s/i.test(req.headers.authorization ?? '');
}

/**
 * Parses a decimal positive integer from a path segment or query value.
 * Strict on purpose: "1e3", "01", "1.0", " 1" and unsafe integers are refused,
 * so a malformed id gets a 400 instead of silently matching something.
 * @param {string | null | undefined} text
 * @returns {number | null}
 */
export function parsePositiveInteger(text) {
  if (text == null || !/^[1-9][0-9]*$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Like parsePositiveInteger but also accepts "0" (for lifetimes).
 * @param {string | null | undefined} text
 * @returns {number | null}
 */
export function parseNonNegativeInteger(text) {
  if (text === '0') return 0;
  return parsePositiveInteger(text);
}
