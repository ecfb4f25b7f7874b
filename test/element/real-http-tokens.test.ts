/**
 * Tokens over real HTTP against the mock: the host's token endpoint and its broken
 * variants, the one fresh token + one retry after a 401, expiry, and the promise
 * that the access token never reaches the DOM, events, storage or the console.
 * No stubs: the one test that needs the token's value watches `fetch` with a
 * pass-through spy.
 */
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/define.js';
import type { LoomeRuleRunner } from '../../src/loome-rule-runner.js';
import {
  type EventRecorder,
  EVENT_NAMES,
  MOCK_API_BASE,
  MOCK_TOKEN_ENDPOINT,
  logLines,
  messageOf,
  mockLog,
  recordEvents,
  revokeMockTokens,
  shadow,
  TOKEN_LINE as TOKEN,
  executeLine as execute,
  checkLine as check,
  mockRunner,
  useRealHttpSuite,
} from './helpers.js';

describe('loome-rule-runner over real HTTP: tokens', () => {
  const suite = useRealHttpSuite();
  let recorder: EventRecorder | undefined;
  const sandbox = sinon.createSandbox();

  /** Without a token endpoint when it is undefined (for tokenProvider). */
  async function runner(ruleId: number, tokenEndpoint: string | undefined = MOCK_TOKEN_ENDPOINT): Promise<LoomeRuleRunner> {
    const el = await mockRunner(ruleId, { id: 'tokens-runner', 'token-endpoint': tokenEndpoint ?? null });
    recorder = suite.record(el);
    return el;
  }

  afterEach(() => sandbox.restore());

  it('ends in a token error with the HTTP status when the host refuses the token (rule 13, 403)', async () => {
    const el = await runner(13);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('error');
    expect(recorder!.types()).to.deep.equal(['loome-rule-start', 'loome-rule-error', 'loome-rule-complete']);
    const [error] = recorder!.details('loome-rule-error');
    expect(error).to.include({ ruleId: 13, kind: 'token', httpStatus: 403 });
    expect(outcome).to.include({ outcome: 'error', kind: 'token', httpStatus: 403 });
    expect(messageOf(el)?.textContent).to.equal(error!.message);
    // No token, so Loome is never asked.
    expect(logLines(await mockLog())).to.deep.equal([`POST ${MOCK_TOKEN_ENDPOINT} 403`]);
  });

  for (const [variant, what, httpStatus] of [
    ['token-html', 'an HTML page', 200],
    ['token-bad', 'JSON without access_token', 200],
    ['token-500', 'HTTP 500', 500],
  ] as const) {
    it(`ends in a token error when the host's token endpoint answers ${what} (/api/loome/${variant})`, async () => {
      const el = await runner(6, `/api/loome/${variant}`);
      const outcome = await el.run();

      expect(el.getAttribute('state')).to.equal('error');
      const [error] = recorder!.details('loome-rule-error');
      expect(error!.kind).to.equal('token');
      expect(error!.message).to.match(/token/);
      if (httpStatus !== 200) expect(error!.httpStatus).to.equal(httpStatus);
      expect(outcome.kind).to.equal('token');
      expect(recorder!.details('loome-rule-complete')).to.deep.equal([{ ruleId: 6, outcome: 'error' }]);
      expect(logLines(await mockLog())).to.deep.equal([`POST /api/loome/${variant} ${httpStatus}`]);
    });
  }

  it('fetches a fresh token once and retries once after a 401, then reports unauthorized (rule 18)', async () => {
    const el = await runner(18);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('error');
    const [error] = recorder!.details('loome-rule-error');
    expect(error).to.include({ kind: 'unauthorized', httpStatus: 401 });
    expect(error!.message).to.match(/API key/);
    expect(outcome.kind).to.equal('unauthorized');
    const log = await mockLog();
    expect(logLines(log)).to.deep.equal([TOKEN, execute(18, 401), TOKEN, execute(18, 401)]);
    expect(log.filter((entry) => entry.path.endsWith('/execute')).every((entry) => entry.bearer)).to.equal(true);
  });

  it('fetches a fresh token and finishes the run when Loome revokes its token mid-run', async () => {
    const el = await runner(1);
    let revoked: Promise<void> | undefined;
    el.addEventListener('loome-rule-status', () => (revoked ??= revokeMockTokens()), { once: true });

    const outcome = await el.run();
    await revoked;

    expect(el.getAttribute('state')).to.equal('succeeded');
    expect(outcome.outcome).to.equal('success');
    expect(recorder!.details('loome-rule-error')).to.have.length(0);
    const executionId = outcome.executionId!;
    expect(logLines(await mockLog())).to.deep.equal([
      TOKEN,
      execute(1, 200),
      check(executionId, 200), // Queued; then every token is revoked
      check(executionId, 401),
      TOKEN,
      check(executionId, 200), // the same check again, with the fresh token
      check(executionId, 200),
      check(executionId, 200),
    ]);
  });

  it('reuses its token for a second run instead of asking the host again', async () => {
    const el = await runner(6);
    const first = await el.run();
    const second = await el.run();

    expect([first.outcome, second.outcome]).to.deep.equal(['success', 'success']);
    expect(logLines(await mockLog())).to.deep.equal([
      TOKEN,
      execute(6, 200),
      check(first.executionId!, 200),
      execute(6, 200),
      check(second.executionId!, 200),
    ]);
  });

  it('asks for a new token before the old one expires, so no request is refused (expires_in=1)', async () => {
    const el = await runner(1, `${MOCK_TOKEN_ENDPOINT}?expires_in=1`);
    const outcome = await el.run();

    expect(outcome.outcome).to.equal('success');
    const log = await mockLog();
    expect(log.every((entry) => entry.status === 200), logLines(log).join('\n')).to.equal(true);
    expect(log.filter((entry) => entry.path === MOCK_TOKEN_ENDPOINT).length).to.be.at.least(3);
    expect(log.filter((entry) => entry.method === 'GET')).to.have.length(4);
  });

  it('uses the token a tokenProvider resolves to, without any token-endpoint', async () => {
    const el = await runner(6, undefined);
    const contexts: Array<{ ruleId: number; aborted: boolean }> = [];
    el.tokenProvider = async ({ ruleId, signal }) => {
      contexts.push({ ruleId, aborted: signal.aborted });
      const response = await fetch(MOCK_TOKEN_ENDPOINT, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ruleId }),
        signal,
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };

    const outcome = await el.run();

    expect(outcome.outcome).to.equal('success');
    expect(contexts).to.deep.equal([{ ruleId: 6, aborted: false }]);
    const apiCalls = (await mockLog()).filter((entry) => entry.path.startsWith(MOCK_API_BASE));
    expect(apiCalls.map((entry) => [entry.status, entry.bearer])).to.deep.equal([
      [200, true],
      [200, true],
    ]);
  });

  it('sends the token as a bearer token but never puts it in the DOM, event details, storage or the console', async () => {
    // A pass-through spy: every request still goes to the mock over HTTP.
    const fetchSpy = sandbox.spy(window, 'fetch');
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => sandbox.spy(console, method));
    const el = await runner(1);
    const onDocument = recordEvents(document);
    const snapshots: string[] = [];
    const snapshot = () =>
      snapshots.push(
        shadow(el).innerHTML,
        el.outerHTML,
        JSON.stringify(Object.entries(sessionStorage)),
        JSON.stringify(Object.entries(localStorage)),
        document.cookie,
      );
    for (const name of EVENT_NAMES) el.addEventListener(name, snapshot);
    let storedWhileRunning: Array<[string, string]> = [];
    el.addEventListener('loome-rule-status', () => (storedWhileRunning = Object.entries(sessionStorage)), { once: true });

    const outcome = await el.run();
    onDocument.stop();
    for (const name of EVENT_NAMES) el.removeEventListener(name, snapshot);
    snapshot();
    expect(outcome.outcome).to.equal('success');

    // The token endpoint is asked as the contract says: POST JSON {"ruleId"}, with the portal's cookies.
    const calls = fetchSpy.getCalls().map((call) => ({ url: String(call.args[0]), init: call.args[1] ?? {} }));
    const tokenCall = calls.find((call) => call.url.endsWith(MOCK_TOKEN_ENDPOINT));
    expect(tokenCall?.init.method).to.equal('POST');
    expect(new Headers(tokenCall?.init.headers).get('Content-Type')).to.equal('application/json');
    expect(tokenCall?.init.body).to.equal('{"ruleId":1}');
    expect(tokenCall?.init.credentials).to.equal('same-origin');
    expect(new Headers(tokenCall?.init.headers).has('Authorization')).to.equal(false);

    // Every Loome call carries the same bearer token, and no cookies.
    const apiCalls = calls.filter((call) => call.url.includes(MOCK_API_BASE));
    expect(apiCalls).to.have.length(5);
    const authorizations = apiCalls.map((call) => new Headers(call.init.headers).get('Authorization'));
    const token = /^Bearer (\S{16,})$/.exec(authorizations[0] ?? '')?.[1];
    expect(token, 'a bearer token on the trigger').to.be.a('string');
    expect(new Set(authorizations)).to.deep.equal(new Set([`Bearer ${token}`]));
    expect(apiCalls.every((call) => call.init.credentials === 'omit')).to.equal(true);

    // …and it is nowhere else.
    expect(storedWhileRunning).to.deep.equal([
      [`loome-rule-runner:${location.pathname}#tokens-runner:1`, String(outcome.executionId)],
    ]);
    for (const text of snapshots) expect(text).not.to.contain(token!);
    expect(recorder!.events.length).to.be.greaterThan(4);
    for (const { type, detail } of [...recorder!.events, ...onDocument.events]) {
      expect(JSON.stringify(detail), type).not.to.contain(token!);
    }
    expect(JSON.stringify(outcome)).not.to.contain(token!);
    for (const spy of consoleSpies) {
      for (const call of spy.getCalls()) expect(call.args.map(String).join(' ')).not.to.contain(token!);
    }
    // Once the run has succeeded there is nothing left to resume.
    expect(sessionStorage.length).to.equal(0);
  });
});
