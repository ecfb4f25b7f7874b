/**
 * The element's events and its promise of one click, one execution: event flags
 * and targets, the cancelable start, complete exactly once and last, the trigger's
 * retry rules, and the 401 retry. `fetch` is a scriptable fake (FakeLoome).
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/define.js';
import type { LoomeRuleRunner } from '../../src/loome-rule-runner.js';
import {
  EVENT_NAMES,
  FakeLoome,
  buttonOf,
  fakeRunner,
  jsonResponse,
  progressOf,
  useFakeClock,
  markup,
  useFakeLoomeSuite,
} from './helpers.js';

describe('loome-rule-runner events', () => {
  const sandbox = sinon.createSandbox();
  const suite = useFakeLoomeSuite(sandbox);
  const { record } = suite;
  let fake: FakeLoome;
  beforeEach(() => (fake = suite.fake()));

  describe('what every event is', () => {
    it('fires each event from the host as a CustomEvent that bubbles and is composed, caught on document', async () => {
      const el = await fakeRunner();
      const onDocument = record(document);
      fake.steps = [{ status: 'Queued' }, { status: 'Success' }];
      const clock = useFakeClock(sandbox);
      const first = el.run();
      await clock.tickAsync(5000);
      await first;
      fake.steps = [{ status: 'Failure', message: 'no' }];
      await el.run();
      fake.executeReplies = [() => jsonResponse(403, { message: 'Forbidden' })];
      await el.run();

      const seen = new Set(onDocument.events.map((e) => e.type));
      expect([...seen].sort()).to.deep.equal([...EVENT_NAMES].sort());
      // (Comparisons as booleans: a failing assertion that holds a DOM node can take the test page down.)
      for (const { type, event, origin } of onDocument.events) {
        expect(event instanceof CustomEvent, `${type} is a CustomEvent`).to.equal(true);
        expect(event.bubbles, `${type} bubbles`).to.equal(true);
        expect(event.composed, `${type} is composed`).to.equal(true);
        expect(event.cancelable, `${type} cancelable`).to.equal(type === 'loome-rule-start');
        // Fired by the host itself, not by an element in its shadow root.
        expect(event.target === el, `${type} target is the host`).to.equal(true);
        expect(origin === el, `${type} fired by the host`).to.equal(true);
      }
    });

    it('reaches the document from inside another component’s shadow root', async () => {
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const root = host.attachShadow({ mode: 'open' });
      const el = document.createElement('loome-rule-runner') as LoomeRuleRunner;
      el.setAttribute('rule-id', '7');
      el.setAttribute('token-endpoint', '/portal/loome/token');
      el.setAttribute('api-base-url', 'https://loome.test/api/v1');
      root.append(el);
      const onDocument = record(document);
      await el.run();
      const complete = onDocument.events.find((e) => e.type === 'loome-rule-complete')!;
      expect(complete.event.target === host, 'retargeted to the outer host').to.equal(true);
      expect(complete.origin === el, 'fired by the element inside').to.equal(true);
      expect(onDocument.types()[0]).to.equal('loome-rule-start');
      expect(complete.detail).to.deep.equal({ ruleId: 7, executionId: 4242, outcome: 'success' });
    });

    it('types every event in HTMLElementEventMap, so host listeners read detail without casts', async () => {
      const el = await fakeRunner();
      const seen: Array<[string, number | string | undefined]> = [];
      // These lines only compile if the augmentation of HTMLElementEventMap is right.
      el.addEventListener('loome-rule-start', (e) => seen.push(['start', e.detail.ruleId]));
      el.addEventListener('loome-rule-triggered', (e) => seen.push(['triggered', e.detail.executionId]));
      el.addEventListener('loome-rule-status', (e) => seen.push(['status', e.detail.status]));
      el.addEventListener('loome-rule-success', (e) => seen.push(['success', e.detail.durationMs >= 0 ? e.detail.message : 'negative']));
      el.addEventListener('loome-rule-complete', (e) => seen.push(['complete', e.detail.outcome]));
      fake.steps = [{ status: 'Success', message: 'All good' }];
      await el.run();
      expect(seen.filter(([name]) => name !== 'status')).to.deep.equal([
        ['start', 7],
        ['triggered', 4242],
        ['success', 'All good'],
        ['complete', 'success'],
      ]);
    });
  });

  describe('loome-rule-complete', () => {
    const endings: Array<{ name: string; setUp: (fake: FakeLoome) => void; outcome: string; last: string }> = [
      { name: 'success', setUp: (f) => (f.steps = [{ status: 'Success' }]), outcome: 'success', last: 'loome-rule-success' },
      { name: 'failure', setUp: (f) => (f.steps = [{ status: 'Failure' }]), outcome: 'failure', last: 'loome-rule-failure' },
      { name: 'cancellation', setUp: (f) => (f.steps = [{ status: 'CANCELLED' }]), outcome: 'cancelled', last: 'loome-rule-failure' },
      {
        name: 'an error',
        setUp: (f) => (f.steps = [() => jsonResponse(404, { message: 'Execution not found' })]),
        outcome: 'error',
        last: 'loome-rule-error',
      },
    ];
    for (const { name, setUp, outcome, last } of endings) {
      it(`fires exactly once, last, right after ${last}, on ${name}`, async () => {
        setUp(fake);
        const el = await fakeRunner();
        const events = record(el);
        const result = await el.run();
        const types = events.types();
        expect(types.filter((t) => t === 'loome-rule-complete')).to.have.length(1);
        expect(types.slice(-2)).to.deep.equal([last, 'loome-rule-complete']);
        expect(types[0]).to.equal('loome-rule-start');
        expect(events.details('loome-rule-complete')[0]).to.deep.equal({ ruleId: 7, executionId: 4242, outcome });
        expect(result.outcome).to.equal(outcome);
      });
    }

    it('reports not-found with the execution ID when the execution does not exist', async () => {
      fake.steps = [() => jsonResponse(404, { message: 'Execution not found' })];
      const el = await fakeRunner();
      const events = record(el);
      await el.run();
      expect(events.details('loome-rule-error')[0]).to.include({ kind: 'not-found', httpStatus: 404, executionId: 4242 });
      expect(events.details('loome-rule-error')[0]!.message).to.match(/execution-id/);
    });
  });

  describe('loome-rule-start is cancelable', () => {
    it('stops the run when a listener calls preventDefault(): no request, no complete, run() resolves prevented', async () => {
      const el = await fakeRunner();
      const onDocument = record(document);
      document.addEventListener('loome-rule-start', (e) => e.preventDefault(), { once: true });

      const outcome = await el.run();
      await el.updateComplete;

      expect(outcome).to.deep.equal({ outcome: 'prevented', ruleId: 7 });
      expect(onDocument.types()).to.deep.equal(['loome-rule-start']);
      expect(onDocument.events[0]!.event.defaultPrevented).to.equal(true);
      expect(fake.calls).to.have.length(0);
      expect(el.getAttribute('state')).to.equal('idle');
      expect(buttonOf(el).disabled).to.equal(false);

      // The next run is not affected.
      expect((await el.run()).outcome).to.equal('success');
    });

    it('fires loome-rule-start before any request is made', async () => {
      const el = await fakeRunner();
      let callsAtStart = -1;
      el.addEventListener('loome-rule-start', () => (callsAtStart = fake.calls.length));
      await el.run();
      expect(callsAtStart).to.equal(0);
      expect(fake.calls.length).to.be.greaterThan(0);
    });
  });

  describe('one click, one execution', () => {
    it('returns the same promise from run() while a run is in flight, and triggers once', async () => {
      const el = await fakeRunner();
      const events = record(el);
      const first = el.run();
      const second = el.run();
      expect(second).to.equal(first);
      await first;
      expect(fake.count('execute')).to.equal(1);
      expect(events.details('loome-rule-start')).to.have.length(1);
      expect(events.details('loome-rule-complete')).to.have.length(1);
    });

    it('triggers once when the button is clicked twice in a row', async () => {
      const el = await fakeRunner();
      const events = record(el);
      const complete = oneEvent(el, 'loome-rule-complete');
      buttonOf(el).click();
      buttonOf(el).click();
      await complete;
      expect(fake.count('execute')).to.equal(1);
      expect(events.details('loome-rule-start')).to.have.length(1);
    });

    it('disables the button and shows progress while in flight, and enables it when the run ends', async () => {
      const el = await fakeRunner();
      expect(markup(progressOf(el))).to.equal(null);
      const held = fake.hold('execute');
      buttonOf(el).click();
      await fake.waitForCalls('execute', 1);
      await el.updateComplete;
      expect(buttonOf(el).disabled).to.equal(true);
      expect(progressOf(el)).not.to.equal(null);
      // A click on the disabled button does nothing.
      buttonOf(el).click();
      held.release();
      await oneEvent(el, 'loome-rule-complete');
      await el.updateComplete;
      expect(buttonOf(el).disabled).to.equal(false);
      expect(markup(progressOf(el))).to.equal(null);
      expect(fake.count('execute')).to.equal(1);
    });
  });

  describe('the trigger', () => {
    it('is retried after a 429, never before Retry-After has passed', async () => {
      const clock = useFakeClock(sandbox);
      fake.executeReplies = [() => jsonResponse(429, { message: 'Too Many Requests' }, { 'Retry-After': '3' })];
      const el = await fakeRunner({ 'poll-interval': '1', 'max-poll-interval': '1' });
      const events = record(el);
      const done = el.run();
      await clock.tickAsync(2999);
      expect(fake.count('execute')).to.equal(1);
      expect(el.state).to.equal('starting');
      // The wait may add jitter on top of Retry-After, up to the (here 1 s) backoff ceiling.
      await clock.tickAsync(1001);
      expect(fake.count('execute')).to.equal(2);
      expect(fake.callsOf('execute')[1]!.at - fake.callsOf('execute')[0]!.at).to.be.within(3000, 4000);
      expect((await done).outcome).to.equal('success');
      expect(events.details('loome-rule-triggered')).to.have.length(1);
      expect(events.details('loome-rule-error')).to.have.length(0);
    });

    it('ends in rate-limited when Retry-After reaches past the timeout', async () => {
      const clock = useFakeClock(sandbox);
      fake.executeReplies = [() => jsonResponse(429, { message: 'Too Many Requests' }, { 'Retry-After': '120' })];
      const el = await fakeRunner({ timeout: '60' });
      const events = record(el);
      const done = el.run();
      await clock.tickAsync(0);
      const outcome = await done;
      expect(outcome).to.include({ outcome: 'error', kind: 'rate-limited', httpStatus: 429 });
      expect(events.details('loome-rule-error')[0]).to.include({ kind: 'rate-limited', httpStatus: 429 });
      expect(fake.count('execute')).to.equal(1);
    });

    for (const [what, reply] of [
      ['a 503', () => jsonResponse(503, { message: 'Service Unavailable' })],
      ['a network failure', () => Promise.reject(new TypeError('Failed to fetch')) as unknown as Response],
    ] as const) {
      it(`is never retried after ${what}, and the message warns the rule may be running`, async () => {
        const clock = useFakeClock(sandbox);
        fake.executeReplies = [reply as () => Response];
        const el = await fakeRunner();
        const events = record(el);
        const done = el.run();
        await clock.tickAsync(60_000);
        const outcome = await done;
        expect(outcome).to.include({ outcome: 'error', kind: 'network' });
        expect(events.details('loome-rule-error')[0]!.message).to.match(/may (have started|be running)/);
        expect(fake.count('execute')).to.equal(1);
        expect(fake.count('execution')).to.equal(0);
      });
    }
  });

  describe('tokens', () => {
    it('fetches a fresh token and retries a status check once after a 401', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }, () => jsonResponse(401, { message: 'Unauthorized' }), { status: 'Success' }];
      const el = await fakeRunner();
      const done = el.run();
      await clock.tickAsync(5000);
      const outcome = await done;
      expect(outcome.outcome).to.equal('success');
      expect(fake.count('token')).to.equal(2);
      expect(fake.calls.map((call) => call.kind)).to.deep.equal(['token', 'execute', 'execution', 'execution', 'token', 'execution']);
    });

    it('reuses the token until shortly before it expires', async () => {
      const clock = useFakeClock(sandbox);
      fake.tokenReply = () => jsonResponse(200, { access_token: fake.token, expires_in: 300 });
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner({ 'poll-interval': '30', 'max-poll-interval': '30' });
      void el.run();
      await clock.tickAsync(60_000);
      expect(fake.count('token')).to.equal(1);
      // Renewed a minute before expiry (at 240 s), never after the token expired.
      await clock.tickAsync(210_000);
      expect(fake.count('token')).to.equal(2);
      el.stop();
    });

    it('passes { ruleId, signal } to a tokenProvider and accepts { access_token, expires_in }', async () => {
      const el = await fakeRunner({ 'token-endpoint': null });
      const provider = sinon.fake.resolves({ access_token: 'provided-token-123', expires_in: 3600 });
      el.tokenProvider = provider;
      const outcome = await el.run();
      expect(outcome.outcome).to.equal('success');
      expect(provider.callCount).to.equal(1);
      const [context] = provider.firstCall.args as [{ ruleId: number; signal: AbortSignal }];
      expect(context.ruleId).to.equal(7);
      expect(context.signal instanceof AbortSignal).to.equal(true);
      expect(fake.count('token')).to.equal(0);
      expect(fake.callsOf('execute')[0]!.headers.get('Authorization')).to.equal('Bearer provided-token-123');
    });

    it('ends in a token error when the tokenProvider rejects', async () => {
      const el = await fakeRunner({ 'token-endpoint': null });
      el.tokenProvider = () => Promise.reject(new Error('session expired'));
      const events = record(el);
      const outcome = await el.run();
      expect(outcome.kind).to.equal('token');
      expect(events.details('loome-rule-error')[0]!.message).to.contain('session expired');
      expect(fake.calls).to.have.length(0);
    });
  });
});
