/**
 * The shapes of what the token endpoint and Loome answer, checked with zod.
 *
 * `zod/mini` imported as a namespace keeps the bundle small (a named
 * `import { z } from 'zod'` pulls in every locale), and its object schema never
 * probes for `new Function`, which a strict CSP reports as a violation.
 */
import * as z from 'zod/mini';

const nonEmptyString = z.string().check(z.minLength(1));
const positiveInteger = z.int().check(z.positive());
const optionalMessage = z.optional(z.nullable(z.string()));

/** The identity server's answer, which a host's token endpoint may pass through. */
export const TokenAnswer = z.looseObject({
  access_token: nonEmptyString,
  expires_in: z.optional(z.number().check(z.positive())),
  token_type: z.optional(z.string()),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

/** `POST rulesets/{ruleId}/execute` */
export const ExecuteAnswer = z.looseObject({
  ruleExecutionId: positiveInteger,
});

/** `GET rulesets/executions/{id}`: Loome may spell the fields either way. */
export const ExecutionAnswer = z.union([
  z.looseObject({ status: nonEmptyString, message: optionalMessage }),
  z.looseObject({ Status: nonEmptyString, Message: optionalMessage }),
]);

export interface Execution {
  /** As the server wrote it. */
  status: string;
  message: string;
}

/** One spelling for the rest of the code: the camelCase fields when they are valid, else the PascalCase ones. */
export function normaliseExecution(answer: z.infer<typeof ExecutionAnswer>): Execution {
  const camel = answer as { status?: unknown; message?: unknown };
  if (typeof camel.status === 'string' && camel.status !== '') {
    return { status: camel.status, message: typeof camel.message === 'string' ? camel.message : '' };
  }
  const pascal = answer as { Status: string; Message?: string | null };
  return { status: pascal.Status, message: pascal.Message ?? '' };
}

export type TerminalOutcome = 'success' | 'failure' | 'cancelled';

const TERMINAL: Record<string, TerminalOutcome> = {
  success: 'success',
  failure: 'failure',
  cancelled: 'cancelled',
};

/** The outcome a finished status means, or null while the run is in progress. */
export function terminalOutcome(status: string): TerminalOutcome | null {
  const key = status.trim().toLowerCase();
  // hasOwn: a status such as "constructor" must not find Object.prototype's members.
  return Object.hasOwn(TERMINAL, key) ? TERMINAL[key]! : null;
}

/** A short, readable account of why an answer failed validation. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
