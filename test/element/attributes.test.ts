/**
 * Attributes and properties: configuration errors that never reach the network,
 * region and api-base-url, proxy mode, poll settings, disabled, label and strings.
 * `fetch` is a scriptable fake (FakeLoome).
 */
import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/define.js';
import {
  FAKE_TOKEN_ENDPOINT,
  FakeLoome,
  buttonOf,
  fakeRunner,
  messageOf,
  progressOf,
  recordStates,
  shadow,
  statusTextOf,
  useFakeClock,
  useFakeLoomeSuite,
} from './helpers.js';

describe('loome-rule-runner attributes', () => {
  const sandbox = sinon.createSandbox();
  const suite = useFakeLoomeSuite(sandbox);
  const { record } = suite;
  let fake: FakeLoome;
  beforeEach(() => (fake = suite.fake()));

  describe('configuration errors', () => {
    const cases: Array<{ name: string; attributes: Record<string, string | null>; mentions: RegExp; ruleId: number }> = [
      { name: 'rule-id is missing', attributes: { 'rule-id': null }, mentions: /rule-id.*got none/, ruleId: Number.NaN },
      { name: 'rule-id is "abc"', attributes: { 'rule-id': 'abc' }, mentions: /rule-id.*"abc"/, ruleId: Number.NaN },
      { name: 'rule-id is "4.5"', attributes: { 'rule-id': '4.5' }, mentions: /rule-id.*"4.5"/, ruleId: Number.NaN },
      { name: 'rule-id is "-3"', attributes: { 'rule-id': '-3' }, mentions: /rule-id/, ruleId: Number.NaN },
      { name: 'token-endpoint is missing', attributes: { 'token-endpoint': null }, mentions: /token-endpoint is missing/, ruleId: 7 },
      {
        name: 'api-base-url is plain http: on another host',
        attributes: { 'api-base-url': 'http://example.com/api' },
        mentions: /api-base-url "http:\/\/example\.com\/api" must use https:/,
        ruleId: 7,
      },
      {
        name: 'token-endpoint is plain http: on another host',
        attributes: { 'token-endpoint': 'http://portal.example.com/token' },
        mentions: /token-endpoint/,
        ruleId: 7,
      },
      { name: 'api-base-url is a javascript: URL', attributes: { 'api-base-url': 'javascript:alert(1)' }, mentions: /api-base-url/, ruleId: 7 },
      { name: 'region is "eu"', attributes: { 'api-base-url': null, region: 'eu' }, mentions: /region must be "au" or "us"/, ruleId: 7 },
      { name: 'proxy is set without api-base-url', attributes: { 'api-base-url': null, proxy: '' }, mentions: /proxy needs api-base-url/, ruleId: 7 },
      {
        name: 'proxy is set with a cross-origin api-base-url',
        attributes: { 'api-base-url': 'https://loome.test/api/v1', proxy: '' },
        mentions: /same-origin/,
        ruleId: 7,
      },
    ];

    for (const { name, attributes, mentions, ruleId } of cases) {
      it(`ends in a config error, with no request, when ${name}`, async () => {
        const el = await fakeRunner(attributes);
        const events = record(el);

        const outcome = await el.run();
        await el.updateComplete;

        expect(fake.calls, 'no request').to.have.length(0);
        expect(el.getAttribute('state')).to.equal('error');
        expect(events.types()).to.deep.equal(['loome-rule-start', 'loome-rule-error', 'loome-rule-complete']);
        const [error] = events.details('loome-rule-error');
        expect(error!.kind).to.equal('config');
        expect(error!.message).to.match(mentions);
        expect(error).not.to.have.property('httpStatus');
        expect(events.details('loome-rule-start')[0]!.ruleId).to.deep.equal(ruleId);
        expect(events.details('loome-rule-complete')[0]!.outcome).to.equal('error');
        expect(outcome).to.include({ outcome: 'error', kind: 'config' });
        expect(messageOf(el)?.textContent).to.equal(error!.message);
        expect(buttonOf(el).disabled, 'the host can fix the attribute and try again').to.equal(false);
      });
    }

    it('runs once the host fixes the attribute: configuration is read when a run starts', async () => {
      const el = await fakeRunner({ 'rule-id': 'abc' });
      expect((await el.run()).kind).to.equal('config');
      el.setAttribute('rule-id', '8');
      const outcome = await el.run();
      expect(outcome).to.include({ outcome: 'success', ruleId: 8 });
      expect(new URL(fake.callsOf('execute')[0]!.url).pathname).to.equal('/api/v1/rulesets/8/execute');
      expect(fake.callsOf('token')[0]!.body).to.equal('{"ruleId":8}');
    });

    it('accepts a loopback http: api-base-url (local development)', async () => {
      const el = await fakeRunner({ 'api-base-url': 'http://127.0.0.1:9999/api/v1/' });
      const outcome = await el.run();
      expect(outcome.outcome).to.equal('success');
      // The trailing slash is dropped, so paths never get a double slash.
      expect(fake.callsOf('execute')[0]!.url).to.equal('http://127.0.0.1:9999/api/v1/rulesets/7/execute');
    });
  });

  describe('where requests go', () => {
    it('uses the au Monitor API by default', async () => {
      const el = await fakeRunner({ 'api-base-url': null });
      await el.run();
      expect(fake.callsOf('execute')[0]!.url).to.equal('https://monitor-api-au.loomesoftware.com/api/v1/rulesets/7/execute');
      expect(fake.callsOf('execution')[0]!.url).to.equal(
        'https://monitor-api-au.loomesoftware.com/api/v1/rulesets/executions/4242',
      );
    });

    it('uses the us Monitor API for region="us"', async () => {
      const el = await fakeRunner({ 'api-base-url': null, region: 'us' });
      await el.run();
      expect(fake.callsOf('execute')[0]!.url).to.equal('https://monitor-api-us.loomesoftware.com/api/v1/rulesets/7/execute');
    });

    it('resolves a relative token-endpoint against the page and asks it as the contract says', async () => {
      const el = await fakeRunner();
      await el.run();
      const [tokenCall] = fake.callsOf('token');
      expect(tokenCall!.url).to.equal(new URL(FAKE_TOKEN_ENDPOINT, location.href).href);
      expect(tokenCall!.method).to.equal('POST');
      expect(tokenCall!.headers.get('Content-Type')).to.equal('application/json');
      expect(tokenCall!.body).to.equal('{"ruleId":7}');
      expect(tokenCall!.credentials).to.equal('same-origin');
      for (const call of [...fake.callsOf('execute'), ...fake.callsOf('execution')]) {
        expect(call.headers.get('Authorization')).to.equal(`Bearer ${fake.token}`);
        expect(call.credentials).to.equal('omit');
      }
    });

    it('sends no token and asks for none in proxy mode, and sends the portal cookies to the proxy', async () => {
      const el = await fakeRunner({ proxy: '', 'api-base-url': '/portal/loome-proxy', 'token-endpoint': null });
      const states = recordStates(el);
      const outcome = await el.run();
      await el.updateComplete;
      states.stop();

      expect(outcome.outcome).to.equal('success');
      expect(fake.count('token')).to.equal(0);
      const apiCalls = [...fake.callsOf('execute'), ...fake.callsOf('execution')];
      expect(apiCalls.map((call) => new URL(call.url).pathname)).to.deep.equal([
        '/portal/loome-proxy/rulesets/7/execute',
        '/portal/loome-proxy/rulesets/executions/4242',
      ]);
      for (const call of apiCalls) {
        expect(call.headers.has('Authorization')).to.equal(false);
        expect(call.credentials).to.equal('same-origin');
      }
      // Nothing to authorize in the browser.
      expect(states.values).to.deep.equal(['idle', 'starting', 'running', 'succeeded']);
    });
  });

  describe('poll settings', () => {
    it('never checks more often than once a second, whatever poll-interval says', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Queued' }, { status: 'Running' }, { status: 'Success' }];
      const el = await fakeRunner({ 'poll-interval': '0.1', 'max-poll-interval': '0.1' });
      const done = el.run();
      await clock.tickAsync(10_000);
      await done;
      const checks = fake.callsOf('execution').map((call) => call.at);
      expect(checks.slice(1).map((at, i) => at - checks[i]!)).to.deep.equal([1000, 1000]);
    });

    it('falls back to the default 5 s when poll-interval is junk', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Queued' }, { status: 'Success' }];
      const el = await fakeRunner({ 'poll-interval': 'soon' });
      const done = el.run();
      await clock.tickAsync(10_000);
      await done;
      const checks = fake.callsOf('execution').map((call) => call.at);
      expect(checks[1]! - checks[0]!).to.equal(5000);
    });

    it('ends in a timeout error after timeout seconds while the run never finishes', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner({ timeout: '60' });
      const error = oneEvent(el, 'loome-rule-error');
      const startedAt = Date.now();
      void el.run();
      await clock.tickAsync(59_000);
      expect(el.state).to.equal('running');
      await clock.tickAsync(1000);
      const { detail } = await error;
      expect(Date.now() - startedAt).to.equal(60_000);
      expect(detail).to.include({ kind: 'timeout', executionId: 4242 });
      expect(detail.message).to.contain('1 min');
    });

    it('keeps following for hours with timeout="0" (never)', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner({ timeout: '0' });
      const events = record(el);
      const startedAt = Date.now();
      void el.run();
      // Two hours, well past the default timeout of 3600 s. jump() skips the one-second
      // ticker's intermediate firings, which would otherwise make this slow.
      for (let i = 0; i < 240; i++) {
        clock.jump(30_000);
        await clock.tickAsync(0);
      }
      expect(Date.now() - startedAt).to.equal(2 * 60 * 60_000);
      expect(el.state).to.equal('running');
      expect(events.details('loome-rule-error')).to.have.length(0);
      // Still checking, at most once per max-poll-interval (30 s) once the wait has grown.
      expect(fake.count('execution')).to.be.within(230, 250);
      el.stop();
    });
  });

  describe('disabled', () => {
    it('disables the button and makes run() resolve prevented without any event or request', async () => {
      const el = await fakeRunner({ disabled: '' });
      const onDocument = record(document);
      expect(buttonOf(el).disabled).to.equal(true);

      const outcome = await el.run();
      buttonOf(el).click();
      await el.updateComplete;

      expect(outcome).to.deep.equal({ outcome: 'prevented', ruleId: 7 });
      expect(onDocument.events).to.have.length(0);
      expect(fake.calls).to.have.length(0);
      expect(el.getAttribute('state')).to.equal('idle');
    });

    it('reflects the disabled property to the attribute and enables the button again when removed', async () => {
      const el = await fakeRunner();
      el.disabled = true;
      await el.updateComplete;
      expect(el.hasAttribute('disabled')).to.equal(true);
      expect(buttonOf(el).disabled).to.equal(true);
      el.removeAttribute('disabled');
      await el.updateComplete;
      expect(el.disabled).to.equal(false);
      expect(buttonOf(el).disabled).to.equal(false);
    });
  });

  describe('label and strings', () => {
    it('shows "Run rule" on the button by default and the label attribute when set', async () => {
      const el = await fakeRunner();
      expect(buttonOf(el).textContent?.trim()).to.equal('Run rule');
      el.setAttribute('label', 'Refresh the sales data');
      await el.updateComplete;
      expect(buttonOf(el).textContent?.trim()).to.equal('Refresh the sales data');
      el.label = 'Run now';
      await el.updateComplete;
      expect(buttonOf(el).textContent?.trim()).to.equal('Run now');
    });

    it('shows the texts from `strings` instead of the defaults, keeping the defaults it does not override', async () => {
      const el = await fakeRunner();
      el.strings = {
        states: { idle: 'Bereit', succeeded: 'Erfolgreich' },
        execution: 'Ausführung {id}',
        progress: 'Regel läuft',
      };
      await el.updateComplete;
      expect(statusTextOf(el)).to.equal('Bereit');

      const held = fake.hold('execution');
      const done = el.run();
      await fake.waitForCalls('execution', 1);
      await el.updateComplete;
      expect(statusTextOf(el)).to.contain('Running').and.to.contain('Ausführung 4242');
      expect(progressOf(el)?.getAttribute('aria-label')).to.equal('Regel läuft');
      held.release();
      await done;
      await el.updateComplete;
      expect(statusTextOf(el)).to.equal('Erfolgreich Ausführung 4242');
    });

    it('shows the retrying text from `strings` while a check is being retried', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [() => new Response(null, { status: 503 }), { status: 'Success' }];
      const el = await fakeRunner();
      el.strings = { retrying: 'Verbindungsproblem…' };
      void el.run();
      await fake.waitForCalls('execution', 1);
      await clock.tickAsync(0);
      await el.updateComplete;
      expect(shadow(el).querySelector('.retrying')?.textContent).to.equal('Verbindungsproblem…');
      expect(el.state).to.equal('running');
      await clock.tickAsync(5000);
      expect(el.state).to.equal('succeeded');
    });
  });
});
