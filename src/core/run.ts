import type { LoomeApi } from './client.js';
import type { RunnerConfig } from './config.js';
import { ErrorKind, RunError, isAbort, isTransient } from './errors.js';
import { type Execution, type TerminalOutcome, terminalOutcome } from './schemas.js';
import { type Waker, backoffDelay, deadlineSignal, nextPollWait, sleep } from './timing.js';

/** The element's states, reflected on its `state` attribute. */
export const RunState = {
  idle: 'idle',
  authorizing: 'authorizing',
  starting: 'starting',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  error: 'error',
} as const;

export type RunState = (typeof RunState)[keyof typeof RunState];

/** What the run loop tells its owner as it goes. */
export interface RunHooks {
  state(state: RunState): void;
  /** The API accepted the trigger. */
  triggered(executionId: number): void;
  /** Each successful check; `statusChanged` is true when the server's status differs from the last one. */
  checked(execution: Execution, statusChanged: boolean): void;
  /** A check failed and will be retried (null once a check works again). */
  retrying(error: RunError | null): void;
}

export interface RunInput {
  config: RunnerConfig;
  api: LoomeApi;
  hooks: RunHooks;
  signal: AbortSignal;
  /** Follow this execution instead of triggering a new one. */
  executionId?: number | undefined;
  /** The last execution already reported, when resuming, so its status is not reported again as a change. */
  lastExecution?: Execution | undefined;
  /** Epoch ms the run began; `timeout` counts from here. */
  startedAt: number;
  /** True while the page is hidden: checks slow to max-poll-interval. */
  isHidden?: () => boolean;
  /** Wakes a sleeping poll loop for a check at once (the page became visible). */
  waker?: Waker;
  now?: () => number;
  random?: () => number;
}

export type RunResult =
  | { outcome: TerminalOutcome; executionId: number; execution: Execution }
  | { outcome: 'error'; error: RunError; executionId?: number };

/** The state a finished execution leaves the element in. */
export const terminalState: Record<TerminalOutcome, RunState> = {
  success: RunState.succeeded,
  failure: RunState.failed,
  cancelled: RunState.cancelled,
};

/**
 * One run: get a token, trigger the rule (unless following a known execution),
 * then check its status until it ends, the timeout passes or the signal aborts.
 * Resolves with the result; rejects only with the abort reason.
 */
export async function runRule(input: RunInput): Promise<RunResult> {
  const { config, api, hooks, signal } = input;
  const now = input.now ?? Date.now;
  const deadline = config.timeoutMs > 0 ? input.startedAt + config.timeoutMs : Infinity;
  let executionId = input.executionId;

  try {
    if (!config.proxy) {
      hooks.state(RunState.authorizing);
      await api.authorize(signal);
    }
    if (executionId === undefined) {
      hooks.state(RunState.starting);
      executionId = await triggerOnce(input, deadline, now);
      hooks.triggered(executionId);
    }
    hooks.state(RunState.running);
    return await follow(input, executionId, deadline, now);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    return { outcome: 'error', error: toRunError(error), ...(executionId !== undefined && { executionId }) };
  }
}

/**
 * The trigger is never retried after a network error or a 5xx: the rule may
 * already be running, and a second POST would start it twice. A 429 means the
 * request was refused, so it is safe to send again after `Retry-After`.
 */
async function triggerOnce(input: RunInput, deadline: number, now: () => number): Promise<number> {
  const { api, signal, config } = input;
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.trigger(signal);
    } catch (error) {
      if (!(error instanceof RunError) || error.kind !== ErrorKind.rateLimited) throw error;
      const wait = retryWait(error, attempt, config, input.random);
      if (now() + wait > deadline) throw error;
      await sleep(wait, signal);
    }
  }
}

async function follow(input: RunInput, executionId: number, deadline: number, now: () => number): Promise<RunResult> {
  const { api, hooks, signal, config } = input;
  let last: Execution | null = input.lastExecution ?? null;
  let wait = config.pollIntervalMs;
  let failures = 0;
  let lastFailure: RunError | null = null;

  for (;;) {
    let delay: number;
    // A page becoming visible may cut a wait short, but not one the server asked for.
    let wakeable = true;
    // A check that never answers must not outlive the timeout by much. The last check
    // happens at the deadline itself (the rule may just have finished), so each check
    // gets at least one poll interval.
    const check = deadlineSignal(signal, Math.max(deadline - now(), config.pollIntervalMs), () => new RunError(ErrorKind.network, 'Loome did not answer the last status check.'));
    try {
      const execution = await api.execution(executionId, check.signal).catch((error: unknown) => {
        throw !signal.aborted && check.signal.aborted ? check.signal.reason : error;
      });
      if (lastFailure) hooks.retrying(null);
      failures = 0;
      lastFailure = null;
      const statusChanged = execution.status !== last?.status;
      hooks.checked(execution, statusChanged);
      last = execution;
      const outcome = terminalOutcome(execution.status);
      if (outcome) return { outcome, executionId, execution };
      wait = nextPollWait(wait, statusChanged, config.pollIntervalMs, config.maxPollIntervalMs);
      delay = wait;
    } catch (error) {
      if (isAbort(error, signal) || !(error instanceof RunError) || !isTransient(error)) throw error;
      failures++;
      lastFailure = error;
      hooks.retrying(error);
      delay = retryWait(error, failures, config, input.random);
      wakeable = error.retryAfterMs === undefined;
    } finally {
      check.dispose();
    }

    const remaining = deadline - now();
    if (remaining <= 0) {
      return { outcome: 'error', executionId, error: gaveUp(executionId, config.timeoutMs, lastFailure, last) };
    }
    if (input.isHidden?.()) delay = Math.max(delay, config.maxPollIntervalMs);
    await sleep(Math.min(delay, remaining), signal, wakeable ? input.waker : undefined);
  }
}

/** At least what `Retry-After` asked for, and never less than the backoff (a `Retry-After: 0` must not make a tight loop). */
function retryWait(error: RunError, attempt: number, config: RunnerConfig, random?: () => number): number {
  return Math.max(error.retryAfterMs ?? 0, backoffDelay(attempt, config.pollIntervalMs, config.maxPollIntervalMs, random));
}

/** At the timeout: `network` when the last check failed, `timeout` when the checks worked but the run never ended. */
function gaveUp(executionId: number, timeoutMs: number, lastFailure: RunError | null, last: Execution | null): RunError {
  const after = formatDuration(timeoutMs);
  const keepsRunning = 'The rule itself may still be running in Loome: check it in Loome Monitor.';
  if (lastFailure) {
    return new RunError(
      ErrorKind.network,
      `Stopped following execution ${executionId} after ${after}: the last check failed. ${lastFailure.message} ${keepsRunning}`,
      lastFailure.httpStatus,
    );
  }
  const status = last ? ` (last status: ${last.status})` : '';
  return new RunError(ErrorKind.timeout, `Stopped following execution ${executionId} after ${after}: it had not finished${status}. ${keepsRunning}`);
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** Anything that is not already a RunError is a bug or an odd browser failure; report it rather than crash. */
function toRunError(error: unknown): RunError {
  if (error instanceof RunError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new RunError(ErrorKind.network, `Something unexpected went wrong (${detail}). Try again; if it keeps happening, report it to the portal’s administrators.`);
}
