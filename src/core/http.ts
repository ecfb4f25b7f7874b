import { ErrorKind, RunError, isAbort } from './errors.js';
import { parseRetryAfter } from './timing.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Sends a request; a failure to reach the server becomes a `network` error
 * (the text of a TypeError from fetch says nothing useful to a person), an
 * abort is passed on untouched.
 */
export async function send(fetchFn: FetchLike, url: string, init: RequestInit, unreachable: string): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (error) {
    if (isAbort(error, init.signal ?? undefined)) throw error;
    throw new RunError(ErrorKind.network, unreachable);
  }
}

export function retryAfterOf(response: Response): number | undefined {
  return parseRetryAfter(response.headers.get('Retry-After'));
}

/**
 * The body as JSON, or an `invalid` error: an HTML page (a login page, a proxy's
 * error page) where JSON was expected is the commonest way this goes wrong.
 */
export async function readJson(response: Response, invalid: (why: string) => RunError): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new RunError(ErrorKind.network, 'The connection dropped while the answer was arriving. Check the network and try again.');
  }
  const type = response.headers.get('Content-Type') ?? '';
  if (/html/i.test(type) || /^\s*</.test(text)) {
    throw invalid('it sent an HTML page where JSON was expected');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('its answer is not valid JSON');
  }
}
