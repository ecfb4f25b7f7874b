/**
 * The element's life: its states, the timing of its checks, a hidden page,
 * following an execution the host names, resuming after a reload, removal and
 * re-insertion, stop() and reset(). `fetch` is a scriptable fake (FakeLoome) and
 * time is fake, so waits of minutes take no time and every check is counted.
 */
import { expect, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/define.js';
import {
  FakeLoome,
  fakeRunner,
  jsonResponse,
  messageOf,
  progressOf,
  buttonOf,
  setPageVisibility,
  statusTextOf,
  useFakeClock,
  markup,
  useFakeLoomeSuite,
} from './helpers.js';

describe('loome-rule-runner lifecycle', () => {
  const sandbox = sinon.createSandbox();
  const suite = useFakeLoomeSuite(sandbox);
  const { record } = suite;
  let fake: FakeLoome;
  beforeEach(() => (fake = suite.fake()));

  describe('state attribute', () => {
    it('reflects idle, then authorizing, starting and running while each request is in flight, then succeeded', async () => {
      const el = await fakeRunner();
      expect(el.getAttribute('state')).to.equal('idle');
      expect(el.state).to.equal('idle');
      const token = fake.hold('token');
      const trigger = fake.hold('execute');
      const check = fake.hold('execution');

      const done = el.run();
      await fake.waitForCalls('token', 1);
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('authorizing');
      expect(statusTextOf(el)).to.contain('Getting access…');

      token.release();
      await fake.waitForCalls('execute', 1);
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('starting');
      expect(statusTextOf(el)).to.contain('Starting the rule…');

      trigger.release();
      await fake.waitForCalls('execution', 1);
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('running');
      expect(statusTextOf(el)).to.contain('Running').and.to.contain('Execution 4242');

      check.release();
      await done;
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('succeeded');
      expect(el.state).to.equal('succeeded');
    });

    for (const [status, state] of [
      ['Failure', 'failed'],
      ['Cancelled', 'cancelled'],
    ] as const) {
      it(`reflects ${state} when the execution ends with ${status}`, async () => {
        fake.steps = [{ status, message: 'why' }];
        const el = await fakeRunner();
        await el.run();
        await el.updateComplete;
        expect(el.getAttribute('state')).to.equal(state);
        expect(el.state).to.equal(state);
      });
    }

    it('reflects error when the run cannot be triggered', async () => {
      fake.executeReplies = [() => jsonResponse(404, { message: 'Rule not found' })];
      const el = await fakeRunner();
      const outcome = await el.run();
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('error');
      expect(outcome.kind).to.equal('not-found');
      expect(messageOf(el)?.textContent).to.match(/no such rule/);
    });

    it('shows the server status as written while running, e.g. "Running: Queued"', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Queued', message: 'Waiting for an agent' }];
      const el = await fakeRunner();
      const status = oneEvent(el, 'loome-rule-status');
      void el.run();
      await status;
      await el.updateComplete;
      expect(statusTextOf(el)).to.contain('Running: Queued');
      expect(messageOf(el)?.textContent).to.equal('Waiting for an agent');
      // The elapsed time ticks while in flight.
      await clock.tickAsync(61_000);
      await el.updateComplete;
      expect(statusTextOf(el)).to.contain('1:01 elapsed');
      el.stop();
    });
  });

  describe('poll timing', () => {
    it('checks at once, then after poll-interval, then waits longer while the status stays the same, up to max-poll-interval', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [
        ...Array.from({ length: 6 }, () => ({ status: 'Running' })),
        { status: 'Finishing' },
        { status: 'Finishing' },
        { status: 'Success' },
      ];
      const el = await fakeRunner({ 'poll-interval': '2', 'max-poll-interval': '10', timeout: '0' });

      const done = el.run();
      await clock.tickAsync(60_000);
      const outcome = await done;

      expect(outcome.outcome).to.equal('success');
      const triggerAt = fake.callsOf('execute')[0]!.at;
      const checks = fake.callsOf('execution').map((call) => call.at);
      expect(checks).to.have.length(9);
      expect(checks[0]! - triggerAt, 'first check right after the trigger').to.equal(0);
      const gaps = checks.slice(1).map((at, i) => at - checks[i]!);
      // ×1.5 while unchanged (2 → 3 → 4.5 → 6.75 → capped at 10 s), back to 2 s when the status changes.
      expect(gaps).to.deep.equal([2000, 3000, 4500, 6750, 10_000, 10_000, 2000, 3000]);
    });

    it('never runs two checks at once', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner();
      const held = fake.hold('execution');
      void el.run();
      await fake.waitForCalls('execution', 1);
      // A slow answer, and the page becoming visible meanwhile, start no second check.
      await clock.tickAsync(120_000);
      setPageVisibility('visible');
      await clock.tickAsync(0);
      expect(fake.count('execution')).to.equal(1);
      held.release();
      await clock.tickAsync(0);
      expect(fake.count('execution')).to.equal(1);
      await clock.tickAsync(5000);
      expect(fake.count('execution')).to.equal(2);
      el.stop();
    });

    it('stretches the wait to max-poll-interval while the page is hidden, and checks once at once when it is visible again', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner({ 'poll-interval': '2', 'max-poll-interval': '10', timeout: '0' });
      setPageVisibility('hidden');

      void el.run();
      await fake.waitForCalls('execution', 1);
      await clock.tickAsync(9999);
      expect(fake.count('execution'), 'no check before max-poll-interval').to.equal(1);
      await clock.tickAsync(1);
      expect(fake.count('execution')).to.equal(2);

      await clock.tickAsync(3000);
      setPageVisibility('visible');
      await clock.tickAsync(0);
      expect(fake.count('execution'), 'one check as soon as the page is visible').to.equal(3);
      // Then the ordinary growing wait again (2 → 3 → 4.5 s): no burst of checks.
      await clock.tickAsync(4499);
      expect(fake.count('execution')).to.equal(3);
      await clock.tickAsync(1);
      expect(fake.count('execution')).to.equal(4);
      el.stop();
    });
  });

  describe('waiting between checks', () => {
    it('honours Retry-After from a status check even when the page becomes visible meanwhile', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [() => jsonResponse(429, { message: 'Too Many Requests' }, { 'Retry-After': '60' }), { status: 'Success' }];
      const el = await fakeRunner();
      setPageVisibility('hidden');
      void el.run();
      await fake.waitForCalls('execution', 1);
      await clock.tickAsync(1000);
      // The person comes back to the tab: that must not override the server's "wait 60 s".
      setPageVisibility('visible');
      await clock.tickAsync(58_000);
      expect(fake.count('execution'), 'no check before Retry-After has passed').to.equal(1);
      await clock.tickAsync(31_000);
      expect(fake.count('execution')).to.equal(2);
      expect(el.state).to.equal('succeeded');
    });

    it('gives up at timeout even when a status check never answers', async () => {
      // Real time (timeout="1"), so this holds whatever timer mechanism bounds the request.
      // A check may outlive the timeout by one poll interval (the last check is at the deadline).
      const el = await fakeRunner({ timeout: '1', 'poll-interval': '1' });
      fake.hold('execution'); // never released: the server accepts the connection and goes quiet
      const events = record(el);
      const startedAt = performance.now();
      const done = el.run();
      const outcome = await Promise.race([done, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 3000))]);
      expect(outcome === 'still running' ? outcome : outcome.outcome, 'ended by the 1 s timeout').to.equal('error');
      expect(performance.now() - startedAt).to.be.below(3000);
      expect(events.details('loome-rule-error')[0]?.kind).to.be.oneOf(['timeout', 'network']);
      expect(events.details('loome-rule-complete')).to.have.length(1);
      if (outcome === 'still running') el.stop();
    });
  });

  describe('execution-id set by the host', () => {
    it('follows the execution at once when the host sets execution-id on an idle element, without triggering', async () => {
      fake.steps = [{ status: 'Success', message: 'done' }];
      const el = await fakeRunner();
      const events = record(el);

      const complete = oneEvent(el, 'loome-rule-complete');
      el.setAttribute('execution-id', '555');
      const { detail } = await complete;

      expect(detail).to.deep.equal({ ruleId: 7, executionId: 555, outcome: 'success' });
      expect(fake.count('execute')).to.equal(0);
      expect(fake.callsOf('execution').map((call) => new URL(call.url).pathname)).to.deep.equal([
        '/api/v1/rulesets/executions/555',
      ]);
      expect(events.types()).to.deep.equal(['loome-rule-start', 'loome-rule-success', 'loome-rule-complete']);
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('succeeded');
      expect(el.getAttribute('execution-id')).to.equal('555');
    });

    it('follows an execution-id that is in the markup from the start', async () => {
      fake.steps = [{ status: 'Success' }];
      const onDocument = record(document);
      const complete = new Promise<void>((resolve) => document.addEventListener('loome-rule-complete', () => resolve(), { once: true }));
      const el = await fakeRunner({ 'execution-id': '556' });
      await complete;
      expect(fake.count('execute')).to.equal(0);
      expect(onDocument.details('loome-rule-complete')).to.deep.equal([{ ruleId: 7, executionId: 556, outcome: 'success' }]);
      expect(el.executionId).to.equal(556);
    });

    it('keeps the execution ID it is following when the host changes execution-id mid-run (a run it triggered)', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner();
      const status = oneEvent(el, 'loome-rule-status');
      void el.run();
      await status;

      el.setAttribute('execution-id', '999');
      await el.updateComplete;
      await clock.tickAsync(5000);
      expect(el.getAttribute('execution-id')).to.equal('4242');
      expect(fake.callsOf('execution').every((call) => call.url.endsWith('/4242'))).to.equal(true);
      el.stop();
    });

    it('keeps the execution ID it is following when the host changes execution-id mid-run (an execution the host named)', async () => {
      // While in flight the element owns execution-id, whoever started the run.
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner();
      const status = oneEvent(el, 'loome-rule-status');
      el.setAttribute('execution-id', '555');
      await status;

      el.setAttribute('execution-id', '999');
      await el.updateComplete;
      await clock.tickAsync(5000);
      expect(fake.callsOf('execution').every((call) => call.url.endsWith('/555'))).to.equal(true);
      expect(el.getAttribute('execution-id'), 'the followed execution is still shown').to.equal('555');
      expect(statusTextOf(el)).to.contain('Execution 555');
      el.stop();
    });
  });

  describe('resuming after a reload', () => {
    it('keeps only the execution ID in sessionStorage while running, resumes it in a fresh element with the same id and rule-id, and forgets it after success', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const first = await fakeRunner({ id: 'nightly' });
      const triggered = oneEvent(first, 'loome-rule-triggered');
      void first.run();
      await triggered;
      const key = `loome-rule-runner:${location.pathname}#nightly:7`;
      expect(Object.entries(sessionStorage)).to.deep.equal([[key, '4242']]);

      // The page reloads: the old element goes, a fresh one with the same id and rule-id arrives.
      first.remove();
      const triggerCount = fake.count('execute');
      fake.steps = [{ status: 'Running' }, { status: 'Success', message: 'done' }];
      const onDocument = record(document);
      const second = await fakeRunner({ id: 'nightly' });

      expect(second.executionId).to.equal(4242);
      await clock.tickAsync(10_000);
      // (Whether the final status also fires loome-rule-status is pinned down elsewhere.)
      expect(onDocument.types().filter((type) => type !== 'loome-rule-status')).to.deep.equal([
        'loome-rule-start',
        'loome-rule-success',
        'loome-rule-complete',
      ]);
      expect(onDocument.details('loome-rule-status')[0]).to.include({ executionId: 4242, status: 'Running' });
      expect(onDocument.details('loome-rule-complete')).to.deep.equal([{ ruleId: 7, executionId: 4242, outcome: 'success' }]);
      expect(fake.count('execute'), 'no second trigger').to.equal(triggerCount);
      expect(second.getAttribute('state')).to.equal('succeeded');
      expect(second.getAttribute('execution-id')).to.equal('4242');
      expect(sessionStorage.length).to.equal(0);
    });

    it('does not resume into an element with another id or rule-id', async () => {
      sessionStorage.setItem(`loome-rule-runner:${location.pathname}#nightly:7`, '4242');
      const otherId = await fakeRunner({ id: 'weekly' });
      const otherRule = await fakeRunner({ id: 'nightly', 'rule-id': '8' });
      expect(otherId.getAttribute('state')).to.equal('idle');
      expect(otherRule.getAttribute('state')).to.equal('idle');
      expect(otherId.hasAttribute('execution-id')).to.equal(false);
      expect(fake.calls).to.have.length(0);
    });
  });

  describe('removal and re-insertion', () => {
    it('aborts its requests and timers on removal and emits nothing afterwards', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner();
      const onElement = record(el);
      const onDocument = record(document);
      const status = oneEvent(el, 'loome-rule-status');
      const done = el.run();
      await status;
      await clock.tickAsync(5000);
      const held = fake.hold('execution');
      await clock.tickAsync(7500);
      expect(fake.count('execution')).to.equal(3);
      const inFlight = fake.calls.at(-1)!;
      expect(inFlight.signal?.aborted).to.equal(false);
      const callsBefore = fake.calls.length;
      const eventsBefore = [onElement.events.length, onDocument.events.length];

      el.remove();
      expect(inFlight.signal?.aborted, 'the in-flight check is aborted').to.equal(true);
      held.release();
      await clock.tickAsync(10 * 60_000);

      expect(fake.calls.length, 'no requests after removal').to.equal(callsBefore);
      expect([onElement.events.length, onDocument.events.length], 'no events after removal').to.deep.equal(eventsBefore);
      let settled = false;
      void done.then(() => (settled = true));
      await clock.tickAsync(0);
      expect(settled, 'the run is paused, not over').to.equal(false);
    });

    it('resumes the same run on re-insertion: the same run() promise resolves and complete fires once', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner();
      const onDocument = record(document);
      const status = oneEvent(el, 'loome-rule-status');
      const done = el.run();
      await status;
      const parent = el.parentNode!;

      el.remove();
      await clock.tickAsync(60_000);
      fake.steps = [{ status: 'Success', message: 'done' }];
      parent.appendChild(el);
      expect(el.run(), 'run() while resumed returns the same promise').to.equal(done);
      await clock.tickAsync(30_000);
      const outcome = await done;

      expect(outcome).to.include({ outcome: 'success', executionId: 4242 });
      expect(fake.count('execute')).to.equal(1);
      expect(onDocument.details('loome-rule-complete')).to.deep.equal([{ ruleId: 7, executionId: 4242, outcome: 'success' }]);
      expect(onDocument.details('loome-rule-start')).to.have.length(1);
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('succeeded');
    });

    it('does not repeat an unchanged status after re-insertion', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner();
      const events = record(el);
      const status = oneEvent(el, 'loome-rule-status');
      void el.run();
      await status;
      const parent = el.parentNode!;
      el.remove();
      parent.appendChild(el);
      await clock.tickAsync(20_000);
      expect(fake.count('execution')).to.be.greaterThan(2);
      expect(events.details('loome-rule-status').map((d) => d.status)).to.deep.equal(['Running']);
      el.stop();
    });

    it('ends a run silently as stopped when removed before the trigger was accepted', async () => {
      const held = fake.hold('execute');
      const el = await fakeRunner();
      const onDocument = record(document);
      const done = el.run();
      await fake.waitForCalls('execute', 1);
      const trigger = fake.calls.at(-1)!;

      el.remove();
      held.release();
      const outcome = await done;

      expect(trigger.signal?.aborted).to.equal(true);
      expect(outcome).to.deep.equal({ outcome: 'stopped', ruleId: 7 });
      expect(onDocument.types()).to.deep.equal(['loome-rule-start']);
      expect(fake.count('execution')).to.equal(0);
    });
  });

  describe('stop() and reset()', () => {
    it('stop() stops following, keeps the execution ID shown, returns to idle and completes as stopped', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running', message: 'Checking rows' }];
      const el = await fakeRunner({ id: 'stoppable' });
      const events = record(el);
      const status = oneEvent(el, 'loome-rule-status');
      const done = el.run();
      await status;

      el.stop();
      const outcome = await done;
      await el.updateComplete;

      expect(outcome).to.deep.equal({ outcome: 'stopped', ruleId: 7, executionId: 4242 });
      expect(events.types().slice(-1)).to.deep.equal(['loome-rule-complete']);
      expect(events.details('loome-rule-complete')).to.deep.equal([{ ruleId: 7, executionId: 4242, outcome: 'stopped' }]);
      expect(events.details('loome-rule-error')).to.have.length(0);
      expect(el.getAttribute('state')).to.equal('idle');
      expect(el.getAttribute('execution-id')).to.equal('4242');
      expect(statusTextOf(el)).to.contain('Execution 4242');
      expect(buttonOf(el).disabled).to.equal(false);
      expect(markup(progressOf(el))).to.equal(null);
      const checks = fake.count('execution');
      await clock.tickAsync(10 * 60_000);
      expect(fake.count('execution'), 'no checks after stop()').to.equal(checks);
      expect(events.details('loome-rule-complete')).to.have.length(1);
    });

    it('reset() clears the execution ID and the message and returns to idle', async () => {
      fake.steps = [{ status: 'Failure', message: 'Row count check failed' }];
      const el = await fakeRunner();
      await el.run();
      await el.updateComplete;
      expect(messageOf(el)?.textContent).to.equal('Row count check failed');
      const events = record(el);

      el.reset();
      await el.updateComplete;

      expect(el.getAttribute('state')).to.equal('idle');
      expect(el.hasAttribute('execution-id')).to.equal(false);
      expect(el.executionId).to.equal(undefined);
      expect(markup(messageOf(el))).to.equal(null);
      expect(statusTextOf(el)).to.equal('Ready');
      expect(events.events, 'nothing to complete: no run was in flight').to.have.length(0);
    });

    it('reset() mid-run stops the run (complete outcome stopped) and clears the execution ID', async () => {
      const clock = useFakeClock(sandbox);
      fake.steps = [{ status: 'Running' }];
      const el = await fakeRunner();
      const events = record(el);
      const status = oneEvent(el, 'loome-rule-status');
      const done = el.run();
      await status;

      el.reset();
      await el.updateComplete;

      expect((await done).outcome).to.equal('stopped');
      expect(events.details('loome-rule-complete')).to.deep.equal([{ ruleId: 7, executionId: 4242, outcome: 'stopped' }]);
      expect(el.getAttribute('state')).to.equal('idle');
      expect(el.hasAttribute('execution-id')).to.equal(false);
      const checks = fake.count('execution');
      await clock.tickAsync(60_000);
      expect(fake.count('execution')).to.equal(checks);
    });
  });
});
