import { ErrorKind, RunError, isAbort } from './errors.js';
import { type FetchLike, readJson, send } from './http.js';
import { TokenAnswer, describeIssues } from './schemas.js';

/** What a host's `tokenProvider` may resolve to. */
export type TokenProviderResult = string | { access_token: string; expires_in?: number };

/** Replaces `token-endpoint` when a host would rather fetch the token itself. */
export type TokenProvider = (context: { ruleId: number; signal: AbortSignal }) => Promise<TokenProviderResult>;

interface Token {
  value: string;
  /** Epoch ms after which it is not reused; null when the issuer did not say. */
  refreshAt: number | null;
}

/** Renew this long before expiry (or at three quarters of a short lifetime), so a token never expires mid-request. */
const EXPIRY_MARGIN_MS = 60_000;

function toToken(answer: unknown, now: number, invalid: (why: string) => RunError): Token {
  const candidate = typeof answer === 'string' ? { access_token: answer } : answer;
  const parsed = TokenAnswer.safeParse(candidate);
  if (!parsed.success) throw invalid(`it is not {"access_token": "...", "expires_in": 3600} (${describeIssues(parsed.error)})`);
  const lifetimeMs = parsed.data.expires_in === undefined ? null : parsed.data.expires_in * 1000;
  return {
    value: parsed.data.access_token,
    refreshAt: lifetimeMs === null ? null : now + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 4),
  };
}

const tokenError = (why: string, httpStatus?: number) =>
  new RunError(
    ErrorKind.token,
    `The portal could not provide a Loome access token: ${why}. Ask the portal's administrators to check its token endpoint.`,
    httpStatus,
  );

/** Asks the host's token endpoint, as the contract describes: POST {"ruleId"} with the portal's cookies. */
export function endpointTokenSource(fetchFn: FetchLike, endpoint: string): TokenProvider {
  return async ({ ruleId, signal }) => {
    const response = await send(
      fetchFn,
      endpoint,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ ruleId }),
        credentials: 'same-origin',
        cache: 'no-store',
        signal,
      },
      'The portal’s token endpoint could not be reached. Check the network connection and try again.',
    );
    if (!response.ok) {
      const hint = response.status === 401 || response.status === 403 ? 'you may need to sign in again, or may not run this rule' : 'it failed';
      throw tokenError(`the token endpoint answered HTTP ${response.status} (${hint})`, response.status);
    }
    // httpStatus is for error statuses only; this answer was a 2xx.
    return (await readJson(response, (why) => tokenError(why))) as TokenProviderResult;
  };
}

/**
 * Holds the access token in memory only (never storage: a token there outlives
 * the page and is readable by any script) and reuses it until shortly before
 * it expires. One per element.
 */
export class TokenCache {
  #token: Token | null = null;
  #ruleId: number | null = null;

  constructor(
    private readonly provider: TokenProvider,
    private readonly now: () => number = Date.now,
  ) {}

  async get(ruleId: number, signal: AbortSignal): Promise<string> {
    const cached = this.#token;
    if (cached && this.#ruleId === ruleId && (cached.refreshAt === null || this.now() < cached.refreshAt)) {
      return cached.value;
    }
    this.invalidate();
    let answer: unknown;
    try {
      answer = await this.provider({ ruleId, signal });
    } catch (error) {
      if (isAbort(error, signal) || error instanceof RunError) throw error;
      throw tokenError(`the token provider failed (${error instanceof Error ? error.message : String(error)})`);
    }
    const token = toToken(answer, this.now(), (why) => tokenError(why));
    this.#token = token;
    this.#ruleId = ruleId;
    return token.value;
  }

  /** Drops the token, e.g. after Loome answered 401 to it. */
  invalidate(): void {
    this.#token = null;
    this.#ruleId = null;
  }
}
