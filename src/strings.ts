import type { RunState } from './core/run.js';

/** Every text the element shows of its own; set `strings` to translate any of them. */
export interface LoomeRuleRunnerStrings {
  states: Record<RunState, string>;
  /** Shown while a check failed and is being retried. */
  retrying: string;
  /** `{id}` is replaced by the execution ID. */
  execution: string;
  /** `{time}` is replaced by m:ss. */
  elapsed: string;
  /** The accessible name of the progress indicator. */
  progress: string;
}

export const defaultStrings: LoomeRuleRunnerStrings = {
  states: {
    idle: 'Ready',
    authorizing: 'Getting access…',
    starting: 'Starting the rule…',
    running: 'Running',
    succeeded: 'Succeeded',
    failed: 'Failed',
    cancelled: 'Cancelled',
    error: 'Could not finish',
  },
  retrying: 'Connection problem, retrying…',
  execution: 'Execution {id}',
  elapsed: '{time} elapsed',
  progress: 'Rule in progress',
};

/** Host overrides on top of the defaults; `states` may be partial too. */
export type LoomeRuleRunnerStringsInput = Partial<Omit<LoomeRuleRunnerStrings, 'states'>> & {
  states?: Partial<Record<RunState, string>>;
};

export function mergeStrings(overrides: LoomeRuleRunnerStringsInput | undefined): LoomeRuleRunnerStrings {
  return {
    ...defaultStrings,
    ...overrides,
    states: { ...defaultStrings.states, ...overrides?.states },
  };
}

export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, '0')}`;
}
