// @ts-check
// The mock of Loome's identity server (identity-au.perspectiveilm.com/connect/token):
// the OAuth2 client_credentials exchange with scope `webApi`. It issues opaque
// random tokens and remembers when each expires, so the mock Monitor API can
// refuse unknown, expired or revoked tokens with 401.

import { randomBytes } from 'node:crypto';
import { mediaType, readBody, sendJson } from './http-helpers.js';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * The one API key the mock tenant knows. In a real deployment these live only
 * in the host's backend configuration; here only server-side mock code reads
 * them, and nothing sends them to the browser.
 */
export const DEMO_CLIENT = Object.freeze({
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  scope: 'webApi',
});

/**
 * The identity server's answer, as status + JSON body, so the host token
 * endpoint can pass it through unchanged.
 * @typedef {{ status: number, body: Record<string, unknown> }} TokenExchangeResult
 */

/**
 * @typedef {object} IdentityServer
 * @property {(form: URLSearchParams, lifetimeSeconds?: number) => TokenExchangeResult} exchange
 *   the client_credentials exchange, callable in-process (as the host backend does)
 * @property {(token: string) => boolean} isValid true for a token this server
 *   issued that has neither expired nor been revoked
 * @property {() => void} revokeAll every token issued so far stops working
 * @property {(req: IncomingMessage, res: ServerResponse) => Promise<void>} handleTokenRequest
 *   `POST /connect/token` over HTTP
 */

/**
 * @param {{ tokenLifetimeSeconds: number, now?: () => number }} options
 * @returns {IdentityServer}
 */
export function createIdentityServer({ tokenLifetimeSeconds, now = Date.now }) {
  /** @type {Map<string, number>} token → expiry time in ms since the epoch */
  const tokens = new Map();

  /** @type {IdentityServer['exchange']} */
  function exchange(form, lifetimeSeconds = tokenLifetimeSeconds) {
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const valid =
      form.get('grant_type') === 'client_credentials' &&
      form.get('client_id') === DEMO_CLIENT.clientId &&
      form.get('client_secret') === DEMO_CLIENT.clientSecret &&
      scopes.length === 1 &&
      scopes[0] === DEMO_CLIENT.scope;
    if (!valid) {
      // Loome documents a 400 on the token exchange when the client was removed
      // from the tenant; the mock answers the same for any wrong field, which is
      // all a caller needs to tell "credentials no good" apart.
      return { status: 400, body: { error: 'invalid_client' } };
    }
    pruneExpired();
    // Opaque, unguessable, and different on every call: the element must treat
    // the token as a black box.
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, now() + lifetimeSeconds * 1000);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        expires_in: lifetimeSeconds,
        token_type: 'Bearer',
        scope: DEMO_CLIENT.scope,
      },
    };
  }

  /** @type {IdentityServer['isValid']} */
  function isValid(token) {
    const expiresAt = tokens.get(token);
    return expiresAt !== undefined && now() < expiresAt;
  }

  /** Forget expired tokens so a long dev session does not grow the map forever. */
  function pruneExpired() {
    const time = now();
    for (const [token, expiresAt] of tokens) {
      if (expiresAt <= time) tokens.delete(token);
    }
  }

  /** @type {IdentityServer['handleTokenRequest']} */
  async function handleTokenRequest(req, res) {
    // OAuth2 token requests are form-encoded (RFC 6749 §4.4.2).
    if (mediaType(req) !== 'application/x-www-form-urlencoded') {
      req.resume();
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'Content-Type must be application/x-www-form-urlencoded',
      });
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const result = exchange(form);
    sendJson(res, result.status, result.body, { Pragma: 'no-cache' });
  }

  return {
    exchange,
    isValid,
    revokeAll: () => tokens.clear(),
    handleTokenRequest,
  };
}
