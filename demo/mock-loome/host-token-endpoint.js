// @ts-check
// The HOST's token endpoint: what a portal backend does for the element in token
// mode (see the contract's "Token endpoint contract"). It authorises the person
// for the rule, performs the client_credentials exchange with the identity server
// itself (the client id and secret never leave the server), and passes the
// identity server's answer through.
//
// Also three deliberately broken variants, so tests can check how the element
// copes with a host that answers HTML, the wrong JSON, or 500.

import { DEMO_CLIENT } from './identity-server.js';
import { findMockRule } from './rules.js';
import {
  HttpError,
  mediaType,
  parseNonNegativeInteger,
  readBody,
  sendHtml,
  sendJson,
} from './http-helpers.js';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./identity-server.js').IdentityServer} IdentityServer */

/**
 * @typedef {object} HostTokenEndpoint
 * @property {(req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>} token
 *   `POST /api/loome/token`
 * @property {(req: IncomingMessage, res: ServerResponse) => void} tokenHtml
 *   `POST /api/loome/token-html`: 200 text/html, like a sign-in page after a lost session
 * @property {(req: IncomingMessage, res: ServerResponse) => void} tokenBad
 *   `POST /api/loome/token-bad`: 200 JSON without access_token
 * @property {(req: IncomingMessage, res: ServerResponse) => void} token500
 *   `POST /api/loome/token-500`: 500
 */

/**
 * @param {{ identity: IdentityServer }} options
 * @returns {HostTokenEndpoint}
 */
export function createHostTokenEndpoint({ identity }) {
  return {
    async token(req, res, url) {
      // The element always sends JSON; anything else is a caller bug, or a
      // cross-site form post trying its luck (a form cannot send application/json
      // without a CORS preflight, which is why real hosts insist on it).
      if (mediaType(req) !== 'application/json') {
        req.resume();
        sendJson(res, 400, { error: 'Content-Type must be application/json' });
        return;
      }
      const ruleId = ruleIdFromBody(await readBody(req));

      // A real host would check the portal session here: may this person run
      // this rule? The mock's answer comes from the rules table.
      if (findMockRule(ruleId)?.hostRefusesToken) {
        sendJson(res, 403, { error: 'You may not run this rule' });
        return;
      }

      // Tests may ask for short-lived tokens to exercise expiry and refresh.
      let lifetimeSeconds;
      if (url.searchParams.has('expires_in')) {
        const override = parseNonNegativeInteger(url.searchParams.get('expires_in'));
        if (override === null) {
          sendJson(res, 400, { error: 'expires_in must be a non-negative integer' });
          return;
        }
        lifetimeSeconds = override;
      }

      // In-process call rather than an HTTP round trip: same result, and the
      // secret is never on the wire, not even on loopback.
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_CLIENT.clientId,
        client_secret: DEMO_CLIENT.clientSecret,
        scope: DEMO_CLIENT.scope,
      });
      const result = identity.exchange(form, lifetimeSeconds);
      sendJson(res, result.status, result.body, { Pragma: 'no-cache' });
    },

    tokenHtml(req, res) {
      req.resume();
      sendHtml(res, 200, '<!doctype html><html><body>Sign in</body></html>');
    },

    tokenBad(req, res) {
      req.resume();
      sendJson(res, 200, { token: 'x' });
    },

    token500(req, res) {
      req.resume();
      sendJson(res, 500, { error: 'The token service failed' });
    },
  };
}

/**
 * Parses `{"ruleId": <positive integer>}`; throws HttpError(400) otherwise.
 * @param {string} text
 * @returns {number}
 */
function ruleIdFromBody(text) {
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, { error: 'Body is not valid JSON' });
  }
  const ruleId =
    body !== null && typeof body === 'object' && 'ruleId' in body ? body.ruleId : undefined;
  if (typeof ruleId !== 'number' || !Number.isSafeInteger(ruleId) || ruleId < 1) {
    throw new HttpError(400, { error: 'ruleId must be a positive integer' });
  }
  return ruleId;
}
