import { expect } from '@open-wc/testing';
import { LoomeClient } from '../../src/core/client.js';
import { RunError } from '../../src/core/errors.js';
import { TokenCache, type TokenProvider } from '../../src/core/tokens.js';
import { type FakeHandler, type RecordedRequest, fakeFetch, htmlPage, json, rejectionOf, unreachable } from './fakes.js';

const API = 'https://monitor-api-au.loomesoftware.com/api/v1';
const SECRET = 'SECRET-ACCESS-TOKEN';

/** A client in token mode whose provider hands out `token-1`, `token-2`, ... */
function tokenModeClient(handler: FakeHandler, options: { apiBaseUrl?: string; ruleId?: number } = {}) {
  let tokenFetches = 0;
  const provider: TokenProvider = async () => ({ access_token: `token-${++tokenFetches}`, expires_in: 3600 });
  const { fetch, requests } = fakeFetch(handler);
  const client = new LoomeClient({ apiBaseUrl: options.apiBaseUrl ?? API, ruleId: options.ruleId ?? 42, tokens: new TokenCache(provider), fetch });
  return { client, requests, tokenFetches: () => tokenFetches };
}

function proxyModeClient(handler: FakeHandler) {
  const { fetch, requests } = fakeFetch(handler);
  const client = new LoomeClient({ apiBaseUrl: 'https://portal.example/loome-proxy', ruleId: 42, tokens: null, fetch });
  return { client, requests };
}

async function runError(promise: Promise<unknown>): Promise<RunError> {
  const error = await rejectionOf(promise);
  expect(error).to.be.instanceOf(RunError);
  return error as RunError;
}

const signal = new AbortController().signal;

describe('LoomeClient', () => {
  describe('in token mode', () => {
    it('triggers with POST {api}/rulesets/{ruleId}/execute and a bearer token, and returns ruleExecutionId', async () => {
      const { client, requests } = tokenModeClient(() => json({ ruleExecutionId: 1001 }));
      expect(await client.trigger(signal)).to.equal(1001);
      expect(requests).to.have.length(1);
      const request = requests[0]!;
      expect(request.method).to.equal('POST');
      expect(request.url).to.equal(`${API}/rulesets/42/execute`);
      expect(request.headers.get('Authorization')).to.equal('Bearer token-1');
      expect(request.headers.get('Accept')).to.equal('application/json');
      expect(request.credentials).to.equal('omit');
      expect(request.cache).to.equal('no-store');
      expect(request.signal).to.equal(signal);
    });

    it('checks with GET {api}/rulesets/executions/{id} and a bearer token, normalising the answer', async () => {
      const { client, requests } = tokenModeClient(() => json({ Status: 'Running', Message: 'Step 2 of 5' }));
      expect(await client.execution(1001, signal)).to.deep.equal({ status: 'Running', message: 'Step 2 of 5' });
      const request = requests[0]!;
      expect(request.method).to.equal('GET');
      expect(request.url).to.equal(`${API}/rulesets/executions/1001`);
      expect(request.headers.get('Authorization')).to.equal('Bearer token-1');
      expect(request.credentials).to.equal('omit');
    });

    it('reuses the token across calls rather than fetching one per request', async () => {
      const { client, requests, tokenFetches } = tokenModeClient((request) =>
        request.method === 'POST' ? json({ ruleExecutionId: 1001 }) : json({ status: 'Running' }),
      );
      await client.authorize(signal);
      await client.trigger(signal);
      await client.execution(1001, signal);
      await client.execution(1001, signal);
      expect(tokenFetches()).to.equal(1);
      expect(requests.map((r) => r.headers.get('Authorization'))).to.deep.equal(['Bearer token-1', 'Bearer token-1', 'Bearer token-1']);
    });

    it('authorize() fetches the token without calling the API', async () => {
      const { client, requests, tokenFetches } = tokenModeClient(() => json({}));
      await client.authorize(signal);
      expect(tokenFetches()).to.equal(1);
      expect(requests).to.have.length(0);
    });

    it('on a 401 fetches a fresh token once and retries the request once with it', async () => {
      const { client, requests, tokenFetches } = tokenModeClient((_request, index) =>
        index === 0 ? json({ message: 'revoked' }, 401) : json({ ruleExecutionId: 1001 }),
      );
      expect(await client.trigger(signal)).to.equal(1001);
      expect(requests).to.have.length(2);
      expect(tokenFetches()).to.equal(2);
      expect(requests.map((r) => r.headers.get('Authorization'))).to.deep.equal(['Bearer token-1', 'Bearer token-2']);
    });

    it('gives unauthorized after a second 401, with exactly two API requests and two token fetches', async () => {
      const { client, requests, tokenFetches } = tokenModeClient(() => json({}, 401));
      const error = await runError(client.execution(1001, signal));
      expect(error.kind).to.equal('unauthorized');
      expect(error.httpStatus).to.equal(401);
      expect(requests).to.have.length(2);
      expect(tokenFetches()).to.equal(2);
    });

    it('drops the refused token after a second 401, so the next call fetches another', async () => {
      const { client, tokenFetches } = tokenModeClient((_request, index) => (index < 2 ? json({}, 401) : json({ status: 'Running' })));
      await rejectionOf(client.execution(1001, signal));
      await client.execution(1001, signal);
      expect(tokenFetches()).to.equal(3);
    });

    it('does not retry a 403: the API key’s role lacks permission', async () => {
      const { client, requests, tokenFetches } = tokenModeClient(() => json({}, 403));
      const error = await runError(client.trigger(signal));
      expect(error.kind).to.equal('forbidden');
      expect(error.httpStatus).to.equal(403);
      expect(error.message).to.contain('role lacks permission');
      expect(requests).to.have.length(1);
      expect(tokenFetches()).to.equal(1);
    });

    it('gives not-found for a 404', async () => {
      const { client } = tokenModeClient(() => json({}, 404));
      expect((await runError(client.execution(999, signal))).kind).to.equal('not-found');
    });

    it('gives rate-limited with the Retry-After wait for a 429', async () => {
      const { client } = tokenModeClient(() => json({}, 429, { 'Retry-After': '7' }));
      const error = await runError(client.trigger(signal));
      expect(error.kind).to.equal('rate-limited');
      expect(error.retryAfterMs).to.equal(7000);
    });

    it('gives network carrying the status for a 503', async () => {
      const { client } = tokenModeClient(() => json({}, 503));
      const error = await runError(client.execution(1001, signal));
      expect(error.kind).to.equal('network');
      expect(error.httpStatus).to.equal(503);
    });

    it('gives invalid-response for an HTML page answered with 200', async () => {
      const { client } = tokenModeClient(() => htmlPage(200));
      const error = await runError(client.trigger(signal));
      expect(error.kind).to.equal('invalid-response');
      // httpStatus is set only for error statuses.
      expect(error.httpStatus).to.equal(undefined);
      expect(error.message).to.contain('HTML');
    });

    it('gives invalid-response for HTML sent without an HTML content type', async () => {
      const { client } = tokenModeClient(() => new Response('  <html>oops</html>', { status: 200, headers: { 'Content-Type': 'application/json' } }));
      expect((await runError(client.execution(1001, signal))).kind).to.equal('invalid-response');
    });

    it('gives invalid-response for a body that is not JSON', async () => {
      const { client } = tokenModeClient(() => new Response('OK', { status: 200 }));
      expect((await runError(client.trigger(signal))).kind).to.equal('invalid-response');
    });

    it('gives invalid-response for a ruleExecutionId that is not a positive integer', async () => {
      for (const ruleExecutionId of ['abc', 0, -1, 1.5]) {
        const { client } = tokenModeClient(() => json({ ruleExecutionId }));
        const error = await runError(client.trigger(signal));
        expect(error.kind, JSON.stringify(ruleExecutionId)).to.equal('invalid-response');
        expect(error.message).to.contain('ruleExecutionId');
      }
    });

    it('gives invalid-response for an execution without a status', async () => {
      const { client } = tokenModeClient(() => json({ message: 'no status here' }));
      expect((await runError(client.execution(1001, signal))).kind).to.equal('invalid-response');
    });

    it('gives network, not the browser’s TypeError text, when Loome cannot be reached', async () => {
      const { client } = tokenModeClient(unreachable);
      const trigger = await runError(client.trigger(signal));
      expect(trigger.kind).to.equal('network');
      expect(trigger.message).not.to.contain('Failed to fetch');
      expect(trigger.message).to.contain('may be running already');
      expect((await runError(client.execution(1001, signal))).kind).to.equal('network');
    });

    it('passes an abort on untouched', async () => {
      const controller = new AbortController();
      const reason = new DOMException('removed', 'AbortError');
      const { client } = tokenModeClient(() => {
        controller.abort(reason);
        throw reason;
      });
      expect(await rejectionOf(client.execution(1001, controller.signal))).to.equal(reason);
    });

    it('puts the paths under an api-base-url that has a path of its own', async () => {
      const { client, requests } = tokenModeClient(() => json({ ruleExecutionId: 5 }), { apiBaseUrl: 'http://localhost:8080/mock/api/v1', ruleId: 7 });
      await client.trigger(signal);
      expect(requests[0]!.url).to.equal('http://localhost:8080/mock/api/v1/rulesets/7/execute');
    });

    it('never puts the token in an error message', async () => {
      const provider: TokenProvider = async () => ({ access_token: SECRET, expires_in: 3600 });
      const messages: string[] = [];
      for (const answer of [() => json({}, 401), () => json({}, 403), () => json({}, 500), () => htmlPage(), () => json({ ruleExecutionId: SECRET })]) {
        const { fetch } = fakeFetch(answer);
        const client = new LoomeClient({ apiBaseUrl: API, ruleId: 42, tokens: new TokenCache(provider), fetch });
        messages.push((await runError(client.trigger(signal))).message);
      }
      for (const message of messages) expect(message).not.to.contain(SECRET);
    });
  });

  describe('in proxy mode', () => {
    it('sends no Authorization header and the portal’s cookies (same-origin)', async () => {
      const { client, requests } = proxyModeClient((request) =>
        request.method === 'POST' ? json({ ruleExecutionId: 1001 }) : json({ status: 'Success', message: 'done' }),
      );
      await client.authorize(signal);
      expect(await client.trigger(signal)).to.equal(1001);
      expect(await client.execution(1001, signal)).to.deep.equal({ status: 'Success', message: 'done' });
      expect(requests.map((r: RecordedRequest) => [r.method, r.url])).to.deep.equal([
        ['POST', 'https://portal.example/loome-proxy/rulesets/42/execute'],
        ['GET', 'https://portal.example/loome-proxy/rulesets/executions/1001'],
      ]);
      for (const request of requests) {
        expect(request.headers.has('Authorization')).to.equal(false);
        expect(request.credentials).to.equal('same-origin');
      }
    });

    it('gives unauthorized for a 401 at once, with no retry', async () => {
      const { client, requests } = proxyModeClient(() => json({}, 401));
      expect((await runError(client.trigger(signal))).kind).to.equal('unauthorized');
      expect(requests).to.have.length(1);
    });
  });
});
