import { ErrorKind, RunError, errorForHttpStatus } from './errors.js';
import { type FetchLike, readJson, retryAfterOf, send } from './http.js';
import { type Execution, ExecuteAnswer, ExecutionAnswer, describeIssues, normaliseExecution } from './schemas.js';
import type { TokenCache } from './tokens.js';

/** The two calls a run makes, as the run loop sees them. */
export interface LoomeApi {
  /** Makes sure a token is at hand (a no-op in proxy mode), so that failure shows as `authorizing`. */
  authorize(signal: AbortSignal): Promise<void>;
  /** `POST rulesets/{ruleId}/execute`; resolves to the execution ID. */
  trigger(signal: AbortSignal): Promise<number>;
  /** `GET rulesets/executions/{id}` */
  execution(executionId: number, signal: AbortSignal): Promise<Execution>;
}

export interface LoomeClientOptions {
  apiBaseUrl: string;
  ruleId: number;
  /** Null in proxy mode: the host's proxy adds the token on the server. */
  tokens: TokenCache | null;
  fetch?: FetchLike;
}

type Purpose = 'trigger' | 'status';

const UNREACHABLE: Record<Purpose, string> = {
  trigger:
    'Loome could not be reached to start the rule. Check the network connection; if the request got through, the rule may be running already, so check Loome Monitor before trying again.',
  status: 'Loome could not be reached to check the run. Check the network connection.',
};

/** The Loome Monitor API, with the bearer token and the documented errors. */
export class LoomeClient implements LoomeApi {
  readonly #fetch: FetchLike;

  constructor(private readonly options: LoomeClientOptions) {
    // Bound, because window.fetch throws "Illegal invocation" when called as a method of another object.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async authorize(signal: AbortSignal): Promise<void> {
    await this.options.tokens?.get(this.options.ruleId, signal);
  }

  async trigger(signal: AbortSignal): Promise<number> {
    const body = await this.#call('POST', `rulesets/${this.options.ruleId}/execute`, 'trigger', signal);
    const parsed = ExecuteAnswer.safeParse(body);
    if (!parsed.success) {
      throw invalidAnswer('trigger', `it has no valid ruleExecutionId (${describeIssues(parsed.error)})`);
    }
    return parsed.data.ruleExecutionId;
  }

  async execution(executionId: number, signal: AbortSignal): Promise<Execution> {
    const body = await this.#call('GET', `rulesets/executions/${executionId}`, 'status', signal);
    const parsed = ExecutionAnswer.safeParse(body);
    if (!parsed.success) {
      throw invalidAnswer('status', `it is not an execution with a status (${describeIssues(parsed.error)})`);
    }
    return normaliseExecution(parsed.data);
  }

  /** One API call; on a 401 in token mode, one fresh token and one retry (the cached token may have been revoked early). */
  async #call(method: 'GET' | 'POST', path: string, purpose: Purpose, signal: AbortSignal): Promise<unknown> {
    const { tokens } = this.options;
    let response = await this.#send(method, path, purpose, signal);
    if (response.status === 401 && tokens) {
      tokens.invalidate();
      response = await this.#send(method, path, purpose, signal);
    }
    if (!response.ok) {
      if (response.status === 401) tokens?.invalidate();
      throw errorForHttpStatus(response.status, purpose, retryAfterOf(response));
    }
    // httpStatus is for error statuses only; this answer was a 2xx.
    return readJson(response, (why) => invalidAnswer(purpose, why));
  }

  async #send(method: 'GET' | 'POST', path: string, purpose: Purpose, signal: AbortSignal): Promise<Response> {
    const { tokens, ruleId, apiBaseUrl } = this.options;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      // Loome's own PowerShell client sends this on both calls, so do the same.
      'Content-Type': 'application/json',
    };
    if (tokens) headers['Authorization'] = `Bearer ${await tokens.get(ruleId, signal)}`;
    return send(
      this.#fetch,
      `${apiBaseUrl}/${path}`,
      {
        method,
        headers,
        // Token mode talks to Loome across origins and has no use for the portal's
        // cookies; a same-origin proxy needs them to know who the person is.
        credentials: tokens ? 'omit' : 'same-origin',
        cache: 'no-store',
        signal,
      },
      UNREACHABLE[purpose],
    );
  }
}

function invalidAnswer(purpose: Purpose, why: string, httpStatus?: number): RunError {
  const what = purpose === 'trigger' ? 'Loome’s answer to starting the rule' : 'Loome’s answer about the run';
  const advice =
    purpose === 'trigger'
      ? 'The rule may have started: check Loome Monitor before running it again, and check api-base-url.'
      : 'Check api-base-url, or try again later.';
  return new RunError(ErrorKind.invalidResponse, `${what} could not be read: ${why}. ${advice}`, httpStatus);
}
