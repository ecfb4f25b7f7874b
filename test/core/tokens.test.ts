import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { RunError } from '../../src/core/errors.js';
import { TokenCache, type TokenProvider, type TokenProviderResult, endpointTokenSource } from '../../src/core/tokens.js';
import { fakeFetch, htmlPage, json, rejectionOf, unreachable } from './fakes.js';

const ENDPOINT = 'https://portal.example/api/loome/token';
const SECRET = 'eyJhbGciOiJSUzI1NiJ9.SECRET-TOKEN-VALUE.sig';

/** A provider that hands out `token-1`, `token-2`, ... and records how it was called. */
function countingProvider(expiresIn?: number) {
  const calls: { ruleId: number; signal: AbortSignal }[] = [];
  const provider: TokenProvider = async (context) => {
    calls.push(context);
    const access_token = `token-${calls.length}`;
    return expiresIn === undefined ? { access_token } : { access_token, expires_in: expiresIn };
  };
  return { provider, calls };
}

async function runError(promise: Promise<unknown>): Promise<RunError> {
  const error = await rejectionOf(promise);
  expect(error).to.be.instanceOf(RunError);
  return error as RunError;
}

describe('tokens', () => {
  let clock: sinon.SinonFakeTimers;
  const signal = new AbortController().signal;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => {
    clock.restore();
  });

  describe('TokenCache', () => {
    it('reuses a token until a minute before it expires, then fetches a new one', async () => {
      const { provider, calls } = countingProvider(3600);
      const cache = new TokenCache(provider);
      expect(await cache.get(42, signal)).to.equal('token-1');
      await clock.tickAsync(3_540_000 - 1);
      expect(await cache.get(42, signal)).to.equal('token-1');
      expect(calls).to.have.length(1);
      await clock.tickAsync(1);
      expect(await cache.get(42, signal)).to.equal('token-2');
      expect(calls).to.have.length(2);
    });

    it('renews a short-lived token at three quarters of its lifetime', async () => {
      const { provider, calls } = countingProvider(60);
      const cache = new TokenCache(provider);
      await cache.get(42, signal);
      await clock.tickAsync(44_999);
      expect(await cache.get(42, signal)).to.equal('token-1');
      await clock.tickAsync(1);
      expect(await cache.get(42, signal)).to.equal('token-2');
      expect(calls).to.have.length(2);
    });

    it('reuses a token without expires_in until invalidate()', async () => {
      const { provider, calls } = countingProvider();
      const cache = new TokenCache(provider);
      expect(await cache.get(42, signal)).to.equal('token-1');
      await clock.tickAsync(24 * 3600 * 1000);
      expect(await cache.get(42, signal)).to.equal('token-1');
      expect(calls).to.have.length(1);
      cache.invalidate();
      expect(await cache.get(42, signal)).to.equal('token-2');
      expect(calls).to.have.length(2);
    });

    it('fetches anew for a different rule, since the host may hand out tokens per rule', async () => {
      const { provider, calls } = countingProvider(3600);
      const cache = new TokenCache(provider);
      await cache.get(42, signal);
      expect(await cache.get(43, signal)).to.equal('token-2');
      expect(calls.map((call) => call.ruleId)).to.deep.equal([42, 43]);
    });

    it('passes the rule ID and the run’s signal to the provider', async () => {
      const { provider, calls } = countingProvider();
      const controller = new AbortController();
      await new TokenCache(provider).get(7, controller.signal);
      expect(calls[0]!.ruleId).to.equal(7);
      expect(calls[0]!.signal).to.equal(controller.signal);
    });

    it('reads the clock it is given', async () => {
      let now = 1_000_000;
      const { provider, calls } = countingProvider(3600);
      const cache = new TokenCache(provider, () => now);
      await cache.get(42, signal);
      now += 3_540_000;
      await cache.get(42, signal);
      expect(calls).to.have.length(2);
    });

    it('accepts a plain string from a provider and reuses it until invalidate()', async () => {
      const provider = sinon.fake.resolves('plain-token');
      const cache = new TokenCache(provider);
      expect(await cache.get(42, signal)).to.equal('plain-token');
      expect(await cache.get(42, signal)).to.equal('plain-token');
      expect(provider.callCount).to.equal(1);
    });

    it('turns a provider that throws into a token error and caches nothing', async () => {
      const provider = sinon.stub<Parameters<TokenProvider>, Promise<TokenProviderResult>>();
      provider.onFirstCall().rejects(new Error('session expired'));
      provider.onSecondCall().resolves('token-after-retry');
      const cache = new TokenCache(provider);
      const error = await runError(cache.get(42, signal));
      expect(error.kind).to.equal('token');
      expect(error.message).to.contain('session expired');
      expect(await cache.get(42, signal)).to.equal('token-after-retry');
    });

    it('turns a provider that throws a non-Error into a token error', async () => {
      const cache = new TokenCache(() => Promise.reject('nope'));
      const error = await runError(cache.get(42, signal));
      expect(error.kind).to.equal('token');
      expect(error.message).to.contain('nope');
    });

    it('passes a RunError from the provider on as it is', async () => {
      const original = new RunError('network', 'offline');
      const error = await runError(new TokenCache(() => Promise.reject(original)).get(42, signal));
      expect(error).to.equal(original);
    });

    it('passes an abort on untouched rather than calling it a token error', async () => {
      const controller = new AbortController();
      const reason = new DOMException('removed', 'AbortError');
      const cache = new TokenCache(({ signal: s }) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason))));
      const pending = cache.get(42, controller.signal);
      controller.abort(reason);
      expect(await rejectionOf(pending)).to.equal(reason);
    });

    it('calls a provider’s own AbortError a token error while the run goes on', async () => {
      const cache = new TokenCache(() => Promise.reject(new DOMException('The user aborted a request.', 'AbortError')));
      const error = await rejectionOf(cache.get(42, signal));
      expect(error).to.be.instanceOf(RunError);
      expect((error as RunError).kind).to.equal('token');
    });

    for (const [label, answer] of [
      ['an empty string', ''],
      ['an object without access_token', { token: 'x' }],
      ['a non-positive expires_in', { access_token: 'x', expires_in: 0 }],
      ['null', null],
    ] as const) {
      it(`gives a token error for ${label} from the provider`, async () => {
        const cache = new TokenCache(async () => answer as never);
        expect((await runError(cache.get(42, signal))).kind).to.equal('token');
      });
    }
  });

  describe('endpointTokenSource', () => {
    it('POSTs {"ruleId": N} as JSON with the portal’s cookies (same-origin) and no caching', async () => {
      const { fetch, requests } = fakeFetch(() => json({ access_token: 'abc', expires_in: 3600, token_type: 'Bearer' }));
      const controller = new AbortController();
      const answer = await endpointTokenSource(fetch, ENDPOINT)({ ruleId: 42, signal: controller.signal });
      expect(answer).to.deep.equal({ access_token: 'abc', expires_in: 3600, token_type: 'Bearer' });
      expect(requests).to.have.length(1);
      const [request] = requests;
      expect(request!.method).to.equal('POST');
      expect(request!.url).to.equal(ENDPOINT);
      expect(request!.credentials).to.equal('same-origin');
      expect(request!.cache).to.equal('no-store');
      expect(request!.headers.get('Content-Type')).to.equal('application/json');
      expect(request!.headers.get('Authorization')).to.equal(null);
      expect(JSON.parse(request!.body!)).to.deep.equal({ ruleId: 42 });
      expect(request!.signal).to.equal(controller.signal);
    });

    it('works end to end through a TokenCache, fetching once while the token is fresh', async () => {
      const { fetch, requests } = fakeFetch(() => json({ access_token: 'abc', expires_in: 3600 }));
      const cache = new TokenCache(endpointTokenSource(fetch, ENDPOINT));
      expect(await cache.get(42, signal)).to.equal('abc');
      expect(await cache.get(42, signal)).to.equal('abc');
      expect(requests).to.have.length(1);
    });

    for (const status of [500, 502, 401, 403, 404]) {
      it(`gives a token error carrying HTTP ${status} when the endpoint refuses`, async () => {
        const { fetch } = fakeFetch(() => json({ error: 'nope' }, status));
        const error = await runError(new TokenCache(endpointTokenSource(fetch, ENDPOINT)).get(42, signal));
        expect(error.kind).to.equal('token');
        expect(error.httpStatus).to.equal(status);
        expect(error.message).to.contain(`HTTP ${status}`);
      });
    }

    it('suggests signing in again when the endpoint answers 401', async () => {
      const { fetch } = fakeFetch(() => json({}, 401));
      const error = await runError(endpointTokenSource(fetch, ENDPOINT)({ ruleId: 42, signal }));
      expect(error.message).to.contain('sign in again');
    });

    it('gives a token error for an HTML page (a login redirect) instead of JSON', async () => {
      const { fetch } = fakeFetch(() => htmlPage());
      const error = await runError(new TokenCache(endpointTokenSource(fetch, ENDPOINT)).get(42, signal));
      expect(error.kind).to.equal('token');
      expect(error.message).to.contain('HTML');
    });

    it('gives a token error for an answer that is not JSON', async () => {
      const { fetch } = fakeFetch(() => new Response('access_token=abc', { status: 200, headers: { 'Content-Type': 'text/plain' } }));
      expect((await runError(new TokenCache(endpointTokenSource(fetch, ENDPOINT)).get(42, signal))).kind).to.equal('token');
    });

    it('gives a token error for JSON without access_token, naming the field', async () => {
      const { fetch } = fakeFetch(() => json({ token: 'abc', expires_in: 3600 }));
      const error = await runError(new TokenCache(endpointTokenSource(fetch, ENDPOINT)).get(42, signal));
      expect(error.kind).to.equal('token');
      expect(error.message).to.contain('access_token');
    });

    it('gives a network error when the endpoint cannot be reached', async () => {
      const { fetch } = fakeFetch(unreachable);
      const error = await runError(new TokenCache(endpointTokenSource(fetch, ENDPOINT)).get(42, signal));
      expect(error.kind).to.equal('network');
      expect(error.message).not.to.contain('Failed to fetch');
    });

    it('passes an abort on untouched', async () => {
      const controller = new AbortController();
      const reason = new DOMException('removed', 'AbortError');
      controller.abort(reason);
      const { fetch } = fakeFetch(() => {
        throw reason;
      });
      expect(await rejectionOf(endpointTokenSource(fetch, ENDPOINT)({ ruleId: 42, signal: controller.signal }))).to.equal(reason);
    });
  });

  describe('secrecy', () => {
    /** Every way a token answer carrying the secret can be refused. */
    const badAnswers: [string, () => Response][] = [
      ['a non-positive expires_in', () => json({ access_token: SECRET, expires_in: -5 })],
      ['a string expires_in', () => json({ access_token: SECRET, expires_in: 'soon' })],
      ['a numeric token_type', () => json({ access_token: SECRET, token_type: 7 })],
      ['an HTML page holding the token', () => new Response(`<html>${SECRET}</html>`, { status: 200, headers: { 'Content-Type': 'text/html' } })],
      ['broken JSON holding the token', () => new Response(`{"access_token": "${SECRET}"`, { status: 200 })],
      ['a 500 whose body holds the token', () => json({ access_token: SECRET }, 500)],
    ];

    for (const [label, answer] of badAnswers) {
      it(`never puts the token value in an error for ${label}`, async () => {
        const { fetch } = fakeFetch(answer);
        const error = await runError(new TokenCache(endpointTokenSource(fetch, ENDPOINT)).get(42, signal));
        expect(error.kind).to.equal('token');
        expect(error.message).not.to.contain(SECRET);
        expect(String(error)).not.to.contain(SECRET);
        expect(JSON.stringify({ ...error })).not.to.contain(SECRET);
        expect(String(error.stack)).not.to.contain(SECRET);
      });
    }

    it('never puts a provider’s token value in an error for a bad expires_in', async () => {
      const cache = new TokenCache(async () => ({ access_token: SECRET, expires_in: Number.NaN }));
      const error = await runError(cache.get(42, signal));
      expect(error.kind).to.equal('token');
      expect(error.message).not.to.contain(SECRET);
    });
  });
});
