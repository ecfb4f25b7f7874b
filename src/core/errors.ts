/**
 * Every way a run can go wrong, as a kind a host can switch on and a message a
 * person can act on. The kinds are part of the public contract.
 */
export const ErrorKind = {
  config: 'config',
  token: 'token',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not-found',
  rateLimited: 'rate-limited',
  network: 'network',
  invalidResponse: 'invalid-response',
  timeout: 'timeout',
} as const;

export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export class RunError extends Error {
  override readonly name = 'RunError';

  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly httpStatus?: number,
    /** Milliseconds the server asked us to wait (`Retry-After`), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What the request was for, so the message can say what failed. */
export type RequestPurpose = 'trigger' | 'status' | 'token';

const whatFailed: Record<RequestPurpose, string> = {
  trigger: 'Loome refused to start the rule',
  status: 'Loome refused to report the run’s status',
  token: 'The portal’s token endpoint refused to hand out a token',
};

/**
 * Turns a Loome API answer that is not 2xx into an error. The wording follows
 * Loome's own documentation of its errors: 403 is a missing privilege, 400 and
 * 401 most likely mean the API key's client was removed from the tenant.
 */
export function errorForHttpStatus(
  status: number,
  purpose: Exclude<RequestPurpose, 'token'>,
  retryAfterMs?: number,
): RunError {
  const prefix = `${whatFailed[purpose]} (HTTP ${status})`;
  if (status === 400 || status === 401) {
    return new RunError(
      ErrorKind.unauthorized,
      `${prefix}: the API key was not accepted. Its client was most likely removed from the Loome tenant; ask your Loome administrator to check the API key.`,
      status,
    );
  }
  if (status === 403) {
    return new RunError(
      ErrorKind.forbidden,
      `${prefix}: the API key's role lacks permission to run this rule. Ask your Loome administrator to add the key to a role that may run it.`,
      status,
    );
  }
  if (status === 404) {
    return new RunError(
      ErrorKind.notFound,
      purpose === 'trigger'
        ? `${prefix}: there is no such rule. Check the rule-id.`
        : `${prefix}: there is no such execution. Check the execution-id.`,
      status,
    );
  }
  if (status === 429) {
    return new RunError(
      ErrorKind.rateLimited,
      `${prefix}: too many requests. Wait a moment and try again.`,
      status,
      retryAfterMs,
    );
  }
  if (status >= 500 || status === 408) {
    return new RunError(
      ErrorKind.network,
      purpose === 'trigger'
        ? `${prefix}: the server had a problem. The rule may have started anyway: check Loome Monitor before running it again.`
        : `${prefix}: the server had a problem. Try again later.`,
      status,
      retryAfterMs,
    );
  }
  return new RunError(
    ErrorKind.invalidResponse,
    `${prefix}: an answer the element does not understand.`,
    status,
  );
}

/** Errors while following that may clear up by themselves, so the check is retried. */
export function isTransient(error: RunError): boolean {
  return error.kind === ErrorKind.network || error.kind === ErrorKind.rateLimited;
}

/**
 * True for the rejection that aborting our own signal causes; never reported.
 * Given the signal, only the signal counts: an AbortError from a host's
 * tokenProvider timing out its own request is a failure to report, not ours.
 */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal) return signal.aborted;
  return error instanceof DOMException && error.name === 'AbortError';
}
