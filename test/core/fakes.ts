/**
 * Test doubles shared by the core unit tests: a recording `fetch` that answers
 * with real `Response` objects, so headers and bodies go through the browser's
 * own parsing, and a way to catch a rejection without chai-as-promised.
 */
import type { FetchLike } from '../../src/core/http.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  cache: RequestCache | undefined;
  body: string | null;
  signal: AbortSignal | null | undefined;
}

export type FakeHandler = (request: RecordedRequest, index: number) => Response | Promise<Response>;

export interface FakeFetch {
  fetch: FetchLike;
  requests: RecordedRequest[];
}

/** A `fetch` that records every request and lets `handler` answer (or throw, like a refused connection). */
export function fakeFetch(handler: FakeHandler): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = async (input, init) => {
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url: input,
      headers: new Headers(init.headers),
      credentials: init.credentials,
      cache: init.cache,
      body: typeof init.body === 'string' ? init.body : null,
      signal: init.signal,
    };
    requests.push(request);
    return handler(request, requests.length - 1);
  };
  return { fetch, requests };
}

/** A JSON answer as a server would send it. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

/** What a login page or a proxy's error page looks like to fetch. */
export function htmlPage(status = 200): Response {
  return new Response('<!doctype html><html><body><h1>Sign in</h1></body></html>', {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
}

/** What fetch throws when the server cannot be reached (DNS, refused, CORS). */
export function unreachable(): never {
  throw new TypeError('Failed to fetch');
}

/** The rejection of `promise`, or a failed assertion when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
