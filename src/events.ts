import type { ErrorKind } from './core/errors.js';

/** Every event the element fires, with its `detail`: declared once, used by emit() and by host code through HTMLElementEventMap. */
export interface LoomeRuleEventDetails {
  'loome-rule-start': LoomeRuleStartDetail;
  'loome-rule-triggered': LoomeRuleTriggeredDetail;
  'loome-rule-status': LoomeRuleStatusDetail;
  'loome-rule-success': LoomeRuleResultDetail;
  'loome-rule-failure': LoomeRuleResultDetail;
  'loome-rule-error': LoomeRuleErrorDetail;
  'loome-rule-complete': LoomeRuleCompleteDetail;
}

export interface LoomeRuleStartDetail {
  /** NaN when `rule-id` is not a positive whole number (a `config` error follows). */
  ruleId: number;
}

export interface LoomeRuleTriggeredDetail {
  ruleId: number;
  executionId: number;
}

export interface LoomeRuleStatusDetail {
  ruleId: number;
  executionId: number;
  /** As the server wrote it. */
  status: string;
  message: string;
}

export interface LoomeRuleResultDetail extends LoomeRuleStatusDetail {
  /** From the start of the run (or of following, after a reload) to its end. */
  durationMs: number;
}

export interface LoomeRuleErrorDetail {
  ruleId: number;
  executionId?: number;
  kind: ErrorKind;
  /** Written for a person: what happened and what to do. */
  message: string;
  httpStatus?: number;
}

/** How a run ended. `stopped` is a run ended by `stop()` or `reset()`. */
export type CompleteOutcome = 'success' | 'failure' | 'cancelled' | 'error' | 'stopped';

export interface LoomeRuleCompleteDetail {
  ruleId: number;
  executionId?: number;
  outcome: CompleteOutcome;
}

export type LoomeRuleEventName = keyof LoomeRuleEventDetails;

/** Every event name, in the order a run fires them; for hosts that log or forward them all. */
export const LOOME_RULE_EVENT_NAMES: readonly LoomeRuleEventName[] = [
  'loome-rule-start',
  'loome-rule-triggered',
  'loome-rule-status',
  'loome-rule-success',
  'loome-rule-failure',
  'loome-rule-error',
  'loome-rule-complete',
];

/** Every event leaves the host element, crosses shadow roots, and is cancelable only where asked. */
export function emit<K extends LoomeRuleEventName>(
  target: EventTarget,
  type: K,
  detail: LoomeRuleEventDetails[K],
  options: { cancelable?: boolean } = {},
): boolean {
  return target.dispatchEvent(
    new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: options.cancelable ?? false }),
  );
}

declare global {
  interface HTMLElementEventMap {
    'loome-rule-start': CustomEvent<LoomeRuleStartDetail>;
    'loome-rule-triggered': CustomEvent<LoomeRuleTriggeredDetail>;
    'loome-rule-status': CustomEvent<LoomeRuleStatusDetail>;
    'loome-rule-success': CustomEvent<LoomeRuleResultDetail>;
    'loome-rule-failure': CustomEvent<LoomeRuleResultDetail>;
    'loome-rule-error': CustomEvent<LoomeRuleErrorDetail>;
    'loome-rule-complete': CustomEvent<LoomeRuleCompleteDetail>;
  }
}
