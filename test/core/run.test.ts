import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import type { LoomeApi } from '../../src/core/client.js';
import type { RunnerConfig } from '../../src/core/config.js';
import { RunError, errorForHttpStatus } from '../../src/core/errors.js';
import { type RunHooks, type RunInput, type RunResult, formatDuration, runRule } from '../../src/core/run.js';
import type { Execution } from '../../src/core/schemas.js';
import { Waker } from '../../src/core/timing.js';

type Answer<T> = T | Error;

/** How the fake API answers its nth call (0-based), at the fake clock's time. */
type Script<T> = (index: number, now: number) => Answer<T>;

/** Answers with these statuses in turn, repeating the last one. */
function statuses(...list: (string | Error)[]): Script<Execution> {
  return (index) => {
    const item = list[Math.min(index, list.length - 1)]!;
    return typeof item === 'string' ? { status: item, message: `message for ${item}` } : item;
  };
}

const network = () => new RunError('network', 'Loome could not be reached to check the run.');
const unavailable = (retryAfterMs?: number) => errorForHttpStatus(503, 'status', retryAfterMs);
const rateLimited = (retryAfterMs?: number) => errorForHttpStatus(429, 'status', retryAfterMs);

/**
 * A LoomeApi that answers from scripts, records every call with the fake
 * clock's time, can take a latency per kind of call, and notes any overlap.
 */
class FakeApi implements LoomeApi {
  calls: string[] = [];
  triggerTimes: number[] = [];
  checkTimes: number[] = [];
  checkedIds: number[] = [];
  overlapped = false;
  /** How long each kind of call takes to answer, in fake-clock milliseconds. */
  latency = { authorize: 0, trigger: 0, execution: 0 };
  #inFlight = 0;

  constructor(
    public executionScript: Script<Execution> = statuses('Success'),
    public triggerScript: Script<number> = () => 1001,
    public authorizeScript: Script<void> = () => undefined,
  ) {}

  async authorize(signal: AbortSignal): Promise<void> {
    this.calls.push('authorize');
    return this.#answer(this.authorizeScript(this.calls.filter((c) => c === 'authorize').length - 1, Date.now()), signal, this.latency.authorize);
  }

  async trigger(signal: AbortSignal): Promise<number> {
    this.calls.push('trigger');
    this.triggerTimes.push(Date.now());
    return this.#answer(this.triggerScript(this.triggerTimes.length - 1, Date.now()), signal, this.latency.trigger);
  }

  async execution(executionId: number, signal: AbortSignal): Promise<Execution> {
    this.calls.push('execution');
    this.checkTimes.push(Date.now());
    this.checkedIds.push(executionId);
    return this.#answer(this.executionScript(this.checkTimes.length - 1, Date.now()), signal, this.latency.execution);
  }

  /** Gaps between consecutive checks: the waits the run loop chose. */
  get checkGaps(): number[] {
    return this.checkTimes.slice(1).map((time, i) => time - this.checkTimes[i]!);
  }

  async #answer<T>(answer: Answer<T>, signal: AbortSignal, latencyMs: number): Promise<T> {
    this.#inFlight++;
    if (this.#inFlight > 1) this.overlapped = true;
    try {
      if (signal.aborted) throw signal.reason;
      if (latencyMs > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, latencyMs);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        });
      }
      if (answer instanceof Error) throw answer;
      return answer;
    } finally {
      this.#inFlight--;
    }
  }
}

/** Records what the run loop tells its owner. */
function recordingHooks() {
  const record = {
    states: [] as string[],
    triggered: [] as number[],
    checked: [] as { status: string; changed: boolean }[],
    retrying: [] as (RunError | null)[],
  };
  const hooks: RunHooks = {
    state: (state) => record.states.push(state),
    triggered: (id) => record.triggered.push(id),
    checked: (execution, changed) => record.checked.push({ status: execution.status, changed }),
    retrying: (error) => record.retrying.push(error),
  };
  return { hooks, record };
}

function config(overrides: Partial<RunnerConfig> = {}): RunnerConfig {
  return {
    ruleId: 42,
    apiBaseUrl: 'https://monitor-api-au.loomesoftware.com/api/v1',
    tokenEndpoint: 'https://portal.example/api/loome/token',
    proxy: false,
    pollIntervalMs: 1000,
    maxPollIntervalMs: 8000,
    timeoutMs: 3_600_000,
    ...overrides,
  };
}

/** The outcome of a run so far, readable without awaiting it. */
interface Tracked {
  promise: Promise<RunResult>;
  result?: RunResult;
  rejection?: unknown;
  settled: boolean;
}

describe('runRule', () => {
  let clock: sinon.SinonFakeTimers;
  let controller: AbortController;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    controller = new AbortController();
  });

  afterEach(() => {
    controller.abort(new Error('test over'));
    clock.restore();
  });

  /** Starts a run at the fake clock's time with a middle jitter. */
  function start(api: FakeApi, overrides: Partial<RunInput> & { config?: RunnerConfig } = {}) {
    const { hooks, record } = recordingHooks();
    const input: RunInput = {
      config: config(),
      api,
      hooks,
      signal: controller.signal,
      startedAt: Date.now(),
      random: () => 0.5,
      ...overrides,
    };
    const run: Tracked = { promise: runRule(input), settled: false };
    run.promise.then(
      (result) => Object.assign(run, { result, settled: true }),
      (rejection: unknown) => Object.assign(run, { rejection, settled: true }),
    );
    return { run, record };
  }

  /** The run's result once it has settled, or a failed assertion. */
  function resultOf(run: Tracked): RunResult {
    expect(run.settled, 'the run should have ended').to.equal(true);
    expect(run.rejection).to.equal(undefined);
    return run.result!;
  }

  function errorOf(run: Tracked): RunError {
    const result = resultOf(run);
    if (result.outcome !== 'error') throw new Error(`expected an error, got ${result.outcome}`);
    return result.error;
  }

  describe('states and the calls behind them', () => {
    it('goes authorizing → starting → running and succeeds, checking the execution it triggered', async () => {
      const api = new FakeApi(statuses('Running', 'Success'));
      const { run, record } = start(api);
      await clock.tickAsync(1000);
      expect(record.states).to.deep.equal(['authorizing', 'starting', 'running']);
      expect(record.triggered).to.deep.equal([1001]);
      expect(api.calls).to.deep.equal(['authorize', 'trigger', 'execution', 'execution']);
      expect(api.checkedIds).to.deep.equal([1001, 1001]);
      expect(resultOf(run)).to.deep.equal({
        outcome: 'success',
        executionId: 1001,
        execution: { status: 'Success', message: 'message for Success' },
      });
    });

    it('skips authorizing in proxy mode and never asks for a token', async () => {
      const api = new FakeApi();
      const { run, record } = start(api, { config: config({ proxy: true, tokenEndpoint: null }) });
      await clock.tickAsync(0);
      expect(record.states).to.deep.equal(['starting', 'running']);
      expect(api.calls).to.deep.equal(['trigger', 'execution']);
      expect(resultOf(run).outcome).to.equal('success');
    });

    it('follows a given executionId without starting: no trigger call and no triggered hook', async () => {
      const api = new FakeApi(statuses('Running', 'Success'));
      const { run, record } = start(api, { executionId: 555 });
      await clock.tickAsync(1000);
      expect(record.states).to.deep.equal(['authorizing', 'running']);
      expect(record.triggered).to.deep.equal([]);
      expect(api.calls).not.to.include('trigger');
      expect(api.checkedIds).to.deep.equal([555, 555]);
      expect(resultOf(run)).to.include({ outcome: 'success', executionId: 555 });
    });

    it('follows a given executionId in proxy mode straight into running', async () => {
      const api = new FakeApi();
      const { record } = start(api, { executionId: 555, config: config({ proxy: true }) });
      await clock.tickAsync(0);
      expect(record.states).to.deep.equal(['running']);
      expect(api.calls).to.deep.equal(['execution']);
    });

    for (const [status, outcome] of [
      ['Success', 'success'],
      ['FAILURE', 'failure'],
      ['cancelled', 'cancelled'],
    ] as const) {
      it(`ends with outcome ${outcome} when the server reports ${status}, keeping its message`, async () => {
        const api = new FakeApi((index) => (index === 0 ? { status: 'Queued', message: '' } : { status, message: 'the server says so' }));
        const { run } = start(api);
        await clock.tickAsync(1000);
        expect(resultOf(run)).to.deep.equal({ outcome, executionId: 1001, execution: { status, message: 'the server says so' } });
      });
    }
  });

  describe('polling', () => {
    it('checks right after the trigger, without waiting first', async () => {
      const api = new FakeApi(statuses('Running'));
      start(api);
      await clock.tickAsync(0);
      expect(api.checkTimes).to.deep.equal([0]);
      expect(api.triggerTimes).to.deep.equal([0]);
    });

    it('waits longer while the status stays the same: 1000, 1500, 2250, ... up to max-poll-interval', async () => {
      const api = new FakeApi(statuses('Running'));
      start(api, { config: config({ pollIntervalMs: 1000, maxPollIntervalMs: 4000 }) });
      await clock.tickAsync(999);
      expect(api.checkTimes).to.have.length(1);
      await clock.tickAsync(20_000 - 999);
      expect(api.checkGaps).to.deep.equal([1000, 1500, 2250, 3375, 4000, 4000]);
    });

    it('does not report the status it resumes with as a change', async () => {
      const api = new FakeApi(statuses('Running', 'Success'));
      const { run, record } = start(api, {
        executionId: 1001,
        lastExecution: { status: 'Running', message: 'message for Running' },
      });
      await clock.tickAsync(1500);
      expect(record.checked).to.deep.equal([
        { status: 'Running', changed: false },
        { status: 'Success', changed: true },
      ]);
      expect(resultOf(run).outcome).to.equal('success');
    });

    it('goes back to poll-interval when the status changes, and tells hooks.checked only then', async () => {
      const api = new FakeApi(statuses('Queued', 'Queued', 'Running', 'Running', 'Running', 'Success'));
      const { run, record } = start(api);
      await clock.tickAsync(10_000);
      expect(api.checkGaps).to.deep.equal([1000, 1500, 1000, 1500, 2250]);
      expect(record.checked).to.deep.equal([
        { status: 'Queued', changed: true },
        { status: 'Queued', changed: false },
        { status: 'Running', changed: true },
        { status: 'Running', changed: false },
        { status: 'Running', changed: false },
        { status: 'Success', changed: true },
      ]);
      expect(resultOf(run).outcome).to.equal('success');
    });

    it('never overlaps checks: a wake during a slow check starts no second one', async () => {
      const api = new FakeApi(statuses('Running'));
      api.latency.execution = 3000;
      const waker = new Waker();
      start(api, { waker });
      await clock.tickAsync(1000);
      waker.wake(); // the first check (0 to 3000) is in flight: nothing to cut short
      await clock.tickAsync(2500);
      waker.wake(); // 3500: asleep until 4000, so the second check starts now
      await clock.tickAsync(500);
      waker.wake(); // 4000 and 5000: the second check (3500 to 6500) is in flight
      await clock.tickAsync(1000);
      waker.wake();
      await clock.tickAsync(10_000);
      expect(api.overlapped).to.equal(false);
      // Each wait starts when the previous check has answered: 3000 ms latency, then the (growing) poll wait.
      expect(api.checkTimes.slice(0, 4)).to.deep.equal([0, 3500, 3500 + 3000 + 1500, 8000 + 3000 + 2250]);
    });

    it('stretches every wait to max-poll-interval while the page is hidden, and goes back when visible', async () => {
      let hidden = true;
      const api = new FakeApi(statuses('Running'));
      start(api, { isHidden: () => hidden });
      await clock.tickAsync(24_000);
      expect(api.checkGaps).to.deep.equal([8000, 8000, 8000]);
      hidden = false;
      await clock.tickAsync(8000 + 5063);
      // The growing wait carried on underneath (1000 → 1500 → 2250 → 3375 → 5063).
      expect(api.checkGaps.slice(3)).to.deep.equal([8000, 5063]);
    });

    it('checks at once when the waker wakes a sleeping poll loop', async () => {
      const waker = new Waker();
      const api = new FakeApi(statuses('Running'));
      start(api, { waker, isHidden: () => true });
      await clock.tickAsync(2000);
      expect(api.checkTimes).to.deep.equal([0]);
      waker.wake();
      await clock.tickAsync(0);
      expect(api.checkTimes).to.deep.equal([0, 2000]);
    });

    it('does not cut short a wait that Retry-After asked for when the waker wakes', async () => {
      const waker = new Waker();
      const api = new FakeApi(statuses('Running', rateLimited(60_000), 'Success'));
      const { run } = start(api, { waker });
      await clock.tickAsync(2000);
      expect(api.checkTimes).to.deep.equal([0, 1000]);
      waker.wake();
      await clock.tickAsync(58_999);
      expect(api.checkTimes).to.deep.equal([0, 1000]);
      await clock.tickAsync(1);
      expect(api.checkTimes).to.deep.equal([0, 1000, 61_000]);
      expect(resultOf(run).outcome).to.equal('success');
    });
  });

  describe('transient faults while following', () => {
    it('retries a check after a network error and a 503 with backoff, telling hooks.retrying, then carries on', async () => {
      const first = network();
      const second = unavailable();
      const api = new FakeApi(statuses('Running', first, second, 'Running', 'Success'));
      const { run, record } = start(api);
      await clock.tickAsync(10_000);
      // 1000 poll wait; backoff with random 0.5: 500 (attempt 1), 1000 (attempt 2); then the grown poll wait 1500.
      expect(api.checkGaps).to.deep.equal([1000, 500, 1000, 1500]);
      expect(record.retrying).to.deep.equal([first, second, null]);
      expect(record.states).to.deep.equal(['authorizing', 'starting', 'running']);
      expect(record.checked.map((c) => c.changed)).to.deep.equal([true, false, true]);
      expect(resultOf(run).outcome).to.equal('success');
    });

    it('honours Retry-After on a 429 while following', async () => {
      const limited = rateLimited(7000);
      const api = new FakeApi(statuses('Running', limited, 'Success'));
      const { run, record } = start(api);
      await clock.tickAsync(7999);
      expect(api.checkTimes).to.deep.equal([0, 1000]);
      await clock.tickAsync(1);
      expect(api.checkTimes).to.deep.equal([0, 1000, 8000]);
      expect(record.retrying).to.deep.equal([limited, null]);
      expect(resultOf(run).outcome).to.equal('success');
    });

    it('honours Retry-After on a 503 while following', async () => {
      const api = new FakeApi(statuses('Running', unavailable(4000), 'Success'));
      const { run } = start(api);
      await clock.tickAsync(10_000);
      expect(api.checkGaps).to.deep.equal([1000, 4000]);
      expect(resultOf(run).outcome).to.equal('success');
    });

    it('doubles the backoff ceiling with each failure in a row, up to max-poll-interval', async () => {
      const api = new FakeApi(statuses('Running', network(), network(), network(), network(), network(), network(), 'Success'));
      start(api, { config: config({ pollIntervalMs: 1000, maxPollIntervalMs: 8000 }) });
      await clock.tickAsync(60_000);
      // random 0.5 of min(8000, 1000 * 2^(n-1)).
      expect(api.checkGaps).to.deep.equal([1000, 500, 1000, 2000, 4000, 4000, 4000]);
    });

    it('ends at once on an invalid-response while following, keeping the execution ID', async () => {
      const invalid = new RunError('invalid-response', 'Loome’s answer about the run could not be read.');
      const api = new FakeApi(statuses('Running', invalid));
      const { run, record } = start(api);
      await clock.tickAsync(1000);
      expect(errorOf(run)).to.equal(invalid);
      expect(resultOf(run)).to.include({ executionId: 1001 });
      expect(record.retrying).to.deep.equal([]);
      await clock.tickAsync(60_000);
      expect(api.checkTimes).to.have.length(2);
    });

    for (const kind of ['unauthorized', 'forbidden', 'not-found', 'token'] as const) {
      it(`does not retry a ${kind} error while following`, async () => {
        const api = new FakeApi(statuses('Running', new RunError(kind, kind)));
        const { run } = start(api);
        await clock.tickAsync(60_000);
        expect(errorOf(run).kind).to.equal(kind);
        expect(api.checkTimes).to.have.length(2);
      });
    }

    it('reports an unexpected exception from a check as a network error rather than crashing', async () => {
      const api = new FakeApi(statuses('Running', new TypeError('x is undefined')));
      const { run } = start(api);
      await clock.tickAsync(1000);
      const error = errorOf(run);
      expect(error.kind).to.equal('network');
      expect(error.message).to.contain('x is undefined');
      expect(resultOf(run)).to.include({ executionId: 1001 });
    });

    it('still backs off when the server says Retry-After: 0', async () => {
      const api = new FakeApi(statuses('Running', unavailable(0)));
      start(api);
      await clock.tickAsync(1000 + 99);
      // Today: about a hundred checks in those 99 ms.
      expect(api.checkTimes.length).to.equal(2);
    });
  });

  describe('triggering', () => {
    it('checks for the first time right after the trigger answers, telling hooks.triggered first', async () => {
      const api = new FakeApi(statuses('Running'), () => 77);
      const { record } = start(api);
      await clock.tickAsync(0);
      expect(record.triggered).to.deep.equal([77]);
      expect(api.checkedIds).to.deep.equal([77]);
    });

    for (const [label, error] of [
      ['a network error', new RunError('network', 'Loome could not be reached to start the rule.')],
      ['a 503', errorForHttpStatus(503, 'trigger')],
      ['a 500 with Retry-After', errorForHttpStatus(500, 'trigger', 1000)],
    ] as const) {
      it(`does not retry the trigger after ${label}: the rule may already be running`, async () => {
        const api = new FakeApi(statuses('Running'), () => error);
        const { run, record } = start(api);
        await clock.tickAsync(60_000);
        expect(api.triggerTimes).to.have.length(1);
        expect(api.checkTimes).to.have.length(0);
        expect(errorOf(run)).to.equal(error);
        expect(errorOf(run).kind).to.equal('network');
        expect(resultOf(run)).not.to.have.property('executionId');
        expect(record.triggered).to.deep.equal([]);
      });
    }

    it('retries the trigger after a 429, waiting for Retry-After', async () => {
      const api = new FakeApi(statuses('Success'), (index) => (index === 0 ? errorForHttpStatus(429, 'trigger', 3000) : 1001));
      const { run, record } = start(api);
      await clock.tickAsync(2999);
      expect(api.triggerTimes).to.deep.equal([0]);
      expect(record.states).to.deep.equal(['authorizing', 'starting']);
      await clock.tickAsync(1);
      expect(api.triggerTimes).to.deep.equal([0, 3000]);
      expect(resultOf(run)).to.include({ outcome: 'success', executionId: 1001 });
    });

    it('retries the trigger after a 429 without Retry-After with jittered backoff', async () => {
      const api = new FakeApi(statuses('Success'), (index) => (index < 2 ? errorForHttpStatus(429, 'trigger') : 1001));
      const { run } = start(api);
      await clock.tickAsync(5000);
      // random 0.5: 500 ms, then 1000 ms.
      expect(api.triggerTimes).to.deep.equal([0, 500, 1500]);
      expect(resultOf(run).outcome).to.equal('success');
    });

    it('gives up on a rate-limited trigger when Retry-After would pass the timeout', async () => {
      const limited = errorForHttpStatus(429, 'trigger', 120_000);
      const api = new FakeApi(statuses('Success'), () => limited);
      const { run } = start(api, { config: config({ timeoutMs: 60_000 }) });
      await clock.tickAsync(0);
      expect(errorOf(run)).to.equal(limited);
      expect(api.triggerTimes).to.have.length(1);
    });

    it('ends in forbidden without an execution ID when the trigger is refused with 403', async () => {
      const api = new FakeApi(statuses('Running'), () => errorForHttpStatus(403, 'trigger'));
      const { run, record } = start(api);
      await clock.tickAsync(60_000);
      const result = resultOf(run);
      expect(result.outcome).to.equal('error');
      expect(errorOf(run).kind).to.equal('forbidden');
      expect(result).not.to.have.property('executionId');
      expect(record.states).to.deep.equal(['authorizing', 'starting']);
      expect(api.triggerTimes).to.have.length(1);
      expect(api.checkTimes).to.have.length(0);
    });

    it('ends in the token error while authorizing, before any trigger', async () => {
      const refused = new RunError('token', 'The portal could not provide a Loome access token.', 401);
      const api = new FakeApi(statuses('Running'), () => 1001, () => refused);
      const { run, record } = start(api);
      await clock.tickAsync(0);
      expect(errorOf(run)).to.equal(refused);
      expect(record.states).to.deep.equal(['authorizing']);
      expect(api.calls).to.deep.equal(['authorize']);
    });
  });

  describe('timeout', () => {
    it('ends in timeout, keeping the execution ID, when the checks work but the run never ends', async () => {
      const api = new FakeApi(statuses('Running'));
      const { run } = start(api, { config: config({ pollIntervalMs: 1000, maxPollIntervalMs: 4000, timeoutMs: 10_000 }) });
      await clock.tickAsync(9999);
      expect(run.settled).to.equal(false);
      await clock.tickAsync(1);
      // The last wait is cut to the deadline, and the last check happens at it.
      expect(api.checkTimes).to.deep.equal([0, 1000, 2500, 4750, 8125, 10_000]);
      const error = errorOf(run);
      expect(error.kind).to.equal('timeout');
      expect(error.message).to.contain('1001');
      expect(error.message).to.contain('Running');
      expect(error.message).to.contain('10 s');
      expect(resultOf(run)).to.include({ executionId: 1001 });
      await clock.tickAsync(60_000);
      expect(api.checkTimes).to.have.length(6);
    });

    it('gives up with network when a status check never answers, at most one poll interval after the timeout', async () => {
      const api = new FakeApi(statuses('Running'));
      api.latency.execution = 1e9;
      const { run } = start(api, { config: config({ pollIntervalMs: 1000, maxPollIntervalMs: 4000, timeoutMs: 10_000 }) });
      await clock.tickAsync(9999);
      expect(run.settled).to.equal(false);
      await clock.tickAsync(1);
      const error = errorOf(run);
      expect(error.kind).to.equal('network');
      expect(error.message).to.contain('did not answer');
      expect(api.checkTimes).to.deep.equal([0]);
    });

    it('ends in network, with the last failure’s status, when the check at the deadline fails', async () => {
      const api = new FakeApi((_index, now) => (now >= 10_000 ? unavailable() : { status: 'Running', message: '' }));
      const { run, record } = start(api, { config: config({ pollIntervalMs: 1000, maxPollIntervalMs: 4000, timeoutMs: 10_000 }) });
      await clock.tickAsync(10_000);
      const error = errorOf(run);
      expect(error.kind).to.equal('network');
      expect(error.httpStatus).to.equal(503);
      expect(error.message).to.contain('the last check failed');
      expect(resultOf(run)).to.include({ executionId: 1001 });
      expect(record.retrying).to.have.length(1);
    });

    it('ends in network when every check fails until the deadline', async () => {
      const api = new FakeApi(statuses(network()));
      const { run } = start(api, { config: config({ timeoutMs: 30_000 }) });
      await clock.tickAsync(30_000);
      expect(errorOf(run).kind).to.equal('network');
      expect(api.checkTimes.at(-1)).to.equal(30_000);
    });

    it('counts the timeout from startedAt, not from the first check', async () => {
      const api = new FakeApi(statuses('Running'));
      await clock.tickAsync(5000);
      const { run } = start(api, { startedAt: 0, config: config({ timeoutMs: 10_000 }) });
      await clock.tickAsync(5000);
      expect(errorOf(run).kind).to.equal('timeout');
      expect(api.checkTimes.at(-1)).to.equal(10_000);
    });

    it('never gives up with timeout 0', async () => {
      const api = new FakeApi(statuses('Running'));
      const { run } = start(api, { config: config({ timeoutMs: 0, maxPollIntervalMs: 30_000 }) });
      await clock.tickAsync(10 * 3600 * 1000);
      expect(run.settled).to.equal(false);
      // After the wait has grown to the cap, one check every 30 s for ten hours.
      expect(api.checkTimes.length).to.be.greaterThan(1190);
      expect(api.checkGaps.at(-1)).to.equal(30_000);
    });
  });

  describe('aborting', () => {
    it('rejects with the abort reason during a sleep, and makes no further calls', async () => {
      const api = new FakeApi(statuses('Running'));
      const { run, record } = start(api);
      await clock.tickAsync(1500);
      expect(api.checkTimes).to.have.length(2);
      const reason = new DOMException('element removed', 'AbortError');
      controller.abort(reason);
      await clock.tickAsync(0);
      expect(run.settled).to.equal(true);
      expect(run.rejection).to.equal(reason);
      await clock.tickAsync(3_600_000);
      expect(api.calls).to.have.length(4);
      expect(clock.countTimers()).to.equal(0);
      expect(record.retrying).to.deep.equal([]);
    });

    it('rejects with the abort reason during a check, and makes no further calls', async () => {
      const api = new FakeApi(statuses('Running'));
      api.latency.execution = 2000;
      const { run } = start(api);
      await clock.tickAsync(3500); // the second check is in flight
      const reason = new Error('stopped');
      controller.abort(reason);
      await clock.tickAsync(0);
      expect(run.rejection).to.equal(reason);
      await clock.tickAsync(600_000);
      expect(api.checkTimes).to.have.length(2);
    });

    it('rejects with the abort reason during the trigger’s Retry-After wait, without triggering again', async () => {
      const api = new FakeApi(statuses('Success'), () => errorForHttpStatus(429, 'trigger', 5000));
      const { run } = start(api);
      await clock.tickAsync(1000);
      const reason = new Error('stopped');
      controller.abort(reason);
      await clock.tickAsync(60_000);
      expect(run.rejection).to.equal(reason);
      expect(api.triggerTimes).to.have.length(1);
    });

    it('rejects with the abort reason when aborted while authorizing, never triggering', async () => {
      const api = new FakeApi();
      api.latency.authorize = 1000;
      const { run } = start(api);
      const reason = new Error('stopped');
      controller.abort(reason);
      await clock.tickAsync(5000);
      expect(run.rejection).to.equal(reason);
      expect(api.calls).to.deep.equal(['authorize']);
    });
  });

  describe('an AbortError that is not the run’s', () => {
    it('resolves with an error, rather than rejecting, while the signal is not aborted', async () => {
      const api = new FakeApi(statuses('Running'), () => 1001, () => new DOMException('The user aborted a request.', 'AbortError'));
      const { run } = start(api);
      await clock.tickAsync(0);
      expect(run.settled).to.equal(true);
      expect(run.rejection).to.equal(undefined);
      expect(resultOf(run).outcome).to.equal('error');
    });
  });

  describe('formatDuration', () => {
    it('writes durations for people', () => {
      expect(formatDuration(10_000)).to.equal('10 s');
      expect(formatDuration(90_000)).to.equal('1 min 30 s');
      expect(formatDuration(3_600_000)).to.equal('1 h');
      expect(formatDuration(5_400_000)).to.equal('1 h 30 min');
      expect(formatDuration(120_000)).to.equal('2 min');
    });
  });
});
