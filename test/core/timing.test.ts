import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { POLL_GROWTH, Waker, backoffDelay, nextPollWait, parseRetryAfter, sleep } from '../../src/core/timing.js';
import { rejectionOf } from './fakes.js';

/** Lets a promise report whether it has settled, without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, resolved: false, error: undefined as unknown };
  promise.then(
    () => Object.assign(state, { settled: true, resolved: true }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('timing', () => {
  describe('backoffDelay', () => {
    it('waits half the ceiling with a middle random, the ceiling doubling per attempt', () => {
      const half = () => 0.5;
      expect(backoffDelay(1, 1000, 30000, half)).to.equal(500);
      expect(backoffDelay(2, 1000, 30000, half)).to.equal(1000);
      expect(backoffDelay(3, 1000, 30000, half)).to.equal(2000);
      expect(backoffDelay(4, 1000, 30000, half)).to.equal(4000);
    });

    it('never lets the ceiling pass the cap', () => {
      expect(backoffDelay(10, 1000, 30000, () => 0.5)).to.equal(15000);
      expect(backoffDelay(50, 1000, 30000, () => 0.999999)).to.equal(29999);
    });

    it('never waits less than 100 ms, so a jitter of zero does not spin', () => {
      expect(backoffDelay(1, 1000, 30000, () => 0)).to.equal(100);
      expect(backoffDelay(1, 50, 50, () => 0.5)).to.equal(100);
    });

    it('treats attempt 0 or below as the first attempt', () => {
      expect(backoffDelay(0, 1000, 30000, () => 0.5)).to.equal(500);
      expect(backoffDelay(-3, 1000, 30000, () => 0.5)).to.equal(500);
    });

    it('stays within [100 ms, ceiling) with the real Math.random (full jitter)', () => {
      for (let attempt = 1; attempt <= 8; attempt++) {
        const ceiling = Math.min(8000, 1000 * 2 ** (attempt - 1));
        for (let i = 0; i < 50; i++) {
          const delay = backoffDelay(attempt, 1000, 8000);
          expect(delay).to.be.at.least(100).and.below(ceiling);
          expect(Number.isInteger(delay)).to.equal(true);
        }
      }
    });
  });

  describe('nextPollWait', () => {
    it('grows by half each time the status stays the same, up to the cap', () => {
      expect(POLL_GROWTH).to.equal(1.5);
      const waits: number[] = [];
      let wait = 1000;
      for (let i = 0; i < 7; i++) {
        wait = nextPollWait(wait, false, 1000, 8000);
        waits.push(wait);
      }
      expect(waits).to.deep.equal([1500, 2250, 3375, 5063, 7595, 8000, 8000]);
    });

    it('goes back to the base wait when the status changes', () => {
      expect(nextPollWait(7595, true, 1000, 8000)).to.equal(1000);
      expect(nextPollWait(8000, true, 5000, 30000)).to.equal(5000);
    });
  });

  describe('parseRetryAfter', () => {
    it('reads delay-seconds', () => {
      expect(parseRetryAfter('120')).to.equal(120000);
      expect(parseRetryAfter(' 3 ')).to.equal(3000);
      expect(parseRetryAfter('0')).to.equal(0);
    });

    it('reads an HTTP date as the time left until then', () => {
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
      expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).to.equal(30000);
    });

    it('gives 0 for an HTTP date in the past', () => {
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
      expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).to.equal(0);
    });

    it('is undefined when the header is absent, empty or unreadable', () => {
      expect(parseRetryAfter(null)).to.equal(undefined);
      expect(parseRetryAfter('')).to.equal(undefined);
      expect(parseRetryAfter('soon')).to.equal(undefined);
    });

    it('is undefined for numbers that are not delay-seconds', () => {
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
      expect(parseRetryAfter('1.5', now)).to.equal(undefined);
      expect(parseRetryAfter('-1', now)).to.equal(undefined);
      expect(parseRetryAfter('2', now)).to.equal(2000);
    });
  });

  describe('sleep', () => {
    let clock: sinon.SinonFakeTimers;

    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    });

    afterEach(() => {
      clock.restore();
    });

    it('resolves after the given milliseconds, not before', async () => {
      const slept = track(sleep(1000, new AbortController().signal));
      await clock.tickAsync(999);
      expect(slept.settled).to.equal(false);
      await clock.tickAsync(1);
      expect(slept.resolved).to.equal(true);
      expect(clock.countTimers()).to.equal(0);
    });

    it('treats a negative wait as no wait', async () => {
      const slept = track(sleep(-50, new AbortController().signal));
      await clock.tickAsync(0);
      expect(slept.resolved).to.equal(true);
    });

    it('rejects with the signal’s reason when aborted, and clears its timer', async () => {
      const controller = new AbortController();
      const slept = sleep(1000, controller.signal);
      expect(clock.countTimers()).to.equal(1);
      const reason = new Error('element removed');
      controller.abort(reason);
      expect(await rejectionOf(slept)).to.equal(reason);
      expect(clock.countTimers()).to.equal(0);
    });

    it('rejects at once without a timer when the signal is already aborted', async () => {
      const controller = new AbortController();
      const reason = new Error('already gone');
      controller.abort(reason);
      const slept = sleep(1000, controller.signal);
      expect(clock.countTimers()).to.equal(0);
      expect(await rejectionOf(slept)).to.equal(reason);
    });

    it('rejects with the default AbortError when aborted without a reason', async () => {
      const controller = new AbortController();
      const slept = sleep(1000, controller.signal);
      controller.abort();
      const error = await rejectionOf(slept);
      expect(error).to.be.instanceOf(DOMException);
      expect((error as DOMException).name).to.equal('AbortError');
    });

    it('stops listening to the signal once it has resolved', async () => {
      const controller = new AbortController();
      const removed = sinon.spy(controller.signal, 'removeEventListener');
      const slept = sleep(100, controller.signal);
      await clock.tickAsync(100);
      await slept;
      expect(removed.calledWith('abort')).to.equal(true);
    });

    it('resolves early when its waker wakes it, and clears its timer', async () => {
      const waker = new Waker();
      const slept = track(sleep(30000, new AbortController().signal, waker));
      await clock.tickAsync(1000);
      expect(slept.settled).to.equal(false);
      waker.wake();
      await clock.tickAsync(0);
      expect(slept.resolved).to.equal(true);
      expect(clock.countTimers()).to.equal(0);
    });

    it('wakes every sleep waiting on the waker, and a finished sleep no longer listens', async () => {
      const waker = new Waker();
      const listener = sinon.spy();
      const signal = new AbortController().signal;
      const first = track(sleep(5000, signal, waker));
      const second = track(sleep(9000, signal, waker));
      waker.wake();
      await clock.tickAsync(0);
      expect(first.resolved && second.resolved).to.equal(true);

      // A new sleep after the wake is not cut short by the earlier one's subscription.
      const unsubscribe = waker.subscribe(listener);
      const third = track(sleep(5000, signal, waker));
      await clock.tickAsync(4999);
      expect(third.settled).to.equal(false);
      await clock.tickAsync(1);
      expect(third.resolved).to.equal(true);
      waker.wake();
      expect(listener.callCount).to.equal(1);
      unsubscribe();
    });

    it('does not fire early for a wait beyond the 32-bit timer limit', async () => {
      const slept = track(sleep(2 ** 31 + 5000, new AbortController().signal));
      await clock.tickAsync(10);
      expect(slept.settled).to.equal(false);
    });

    it('ignores an abort that comes after it resolved', async () => {
      const controller = new AbortController();
      const slept = sleep(10, controller.signal);
      await clock.tickAsync(10);
      controller.abort(new Error('late'));
      await slept; // resolves, does not reject
      expect(clock.countTimers()).to.equal(0);
    });
  });
});
