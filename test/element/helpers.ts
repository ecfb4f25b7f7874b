/**
 * Shared helpers for the element's browser tests: recording its events, reading
 * its shadow DOM, talking to the Loome mock's control endpoints (real HTTP), and
 * a scriptable fake `fetch` for the fine-grained tests that run on fake timers.
 */
import { fixture, html } from '@open-wc/testing';
import type { SinonFakeTimers, SinonSandbox, SinonStub } from 'sinon';
import '../../src/define.js';
import { LOOME_RULE_EVENT_NAMES, type LoomeRuleEventDetails, type LoomeRuleEventName } from '../../src/events.js';
import type { LoomeRuleRunner } from '../../src/loome-rule-runner.js';

// ---------------------------------------------------------------------------
// The mock of Loome served by web-test-runner (demo/mock-loome)

export const MOCK_TOKEN_ENDPOINT = '/api/loome/token';
export const MOCK_API_BASE = '/mock-loome/api/v1';

/** One line of the mock's request log (it records whether a bearer token was sent, never the token). */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  bearer: boolean;
}

export async function mockLog(): Promise<LoggedRequest[]> {
  const response = await fetch('/mock-loome/control/log', { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET /mock-loome/control/log answered ${response.status}`);
  return (await response.json()) as LoggedRequest[];
}

export async function resetMockLog(): Promise<void> {
  const response = await fetch('/mock-loome/control/reset-log', { method: 'POST' });
  if (response.status !== 204) throw new Error(`POST /mock-loome/control/reset-log answered ${response.status}`);
}

/** Makes rule 9 answer its first execute with 429 again. */
export async function resetMockExecuteCounts(): Promise<void> {
  const response = await fetch('/mock-loome/control/reset-execute-counts', { method: 'POST' });
  if (response.status !== 204) throw new Error(`POST /mock-loome/control/reset-execute-counts answered ${response.status}`);
}

export async function revokeMockTokens(): Promise<void> {
  const response = await fetch('/mock-loome/control/revoke-tokens', { method: 'POST' });
  if (response.status !== 204) throw new Error(`POST /mock-loome/control/revoke-tokens answered ${response.status}`);
}

/** The log as compact `METHOD path status` lines: easy to compare and to read in a failure. */
export const logLines = (entries: LoggedRequest[]): string[] =>
  entries.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);

// ---------------------------------------------------------------------------
// Events

export const EVENT_NAMES = LOOME_RULE_EVENT_NAMES;

export interface RecordedEvent<K extends LoomeRuleEventName = LoomeRuleEventName> {
  type: K;
  detail: LoomeRuleEventDetails[K];
  event: CustomEvent<LoomeRuleEventDetails[K]>;
  /** `composedPath()[0]`, read during dispatch (the path is empty afterwards): the node that fired it. */
  origin: EventTarget | undefined;
}

export interface EventRecorder {
  readonly events: RecordedEvent[];
  /** The event names in the order they arrived. */
  types(): string[];
  /** The details of every event of this type, in order. */
  details<K extends LoomeRuleEventName>(type: K): LoomeRuleEventDetails[K][];
  stop(): void;
}

/** Records every `loome-rule-*` event that reaches `target`, in order. */
export function recordEvents(target: EventTarget): EventRecorder {
  const events: RecordedEvent[] = [];
  const listener = (event: Event) => {
    const custom = event as CustomEvent;
    events.push({ type: event.type as LoomeRuleEventName, detail: custom.detail, event: custom, origin: event.composedPath()[0] });
  };
  for (const name of EVENT_NAMES) target.addEventListener(name, listener);
  return {
    events,
    types: () => events.map((e) => e.type),
    details: <K extends LoomeRuleEventName>(type: K) =>
      events.filter((e) => e.type === type).map((e) => e.detail as LoomeRuleEventDetails[K]),
    stop: () => {
      for (const name of EVENT_NAMES) target.removeEventListener(name, listener);
    },
  };
}

/** Records every value the `state` attribute takes, starting with the current one, even several within one batch. */
export function recordStates(el: Element): { values: string[]; stop(): void } {
  const values: string[] = [el.getAttribute('state') ?? ''];
  const take = (records: MutationRecord[]) => {
    // Each record holds the value before its change; the value after it is the next record's old value, or the current one.
    records.forEach((_record, i) => {
      const after = i + 1 < records.length ? records[i + 1]!.oldValue : el.getAttribute('state');
      if (after !== null && values[values.length - 1] !== after) values.push(after);
    });
  };
  const observer = new MutationObserver(take);
  observer.observe(el, { attributes: true, attributeFilter: ['state'], attributeOldValue: true });
  return {
    values,
    stop: () => {
      take(observer.takeRecords());
      observer.disconnect();
    },
  };
}

// ---------------------------------------------------------------------------
// Shadow DOM

export function shadow(el: LoomeRuleRunner): ShadowRoot {
  if (!el.shadowRoot) throw new Error('loome-rule-runner has no shadow root');
  return el.shadowRoot;
}

export function buttonOf(el: LoomeRuleRunner): HTMLButtonElement {
  const button = shadow(el).querySelector<HTMLButtonElement>('[part="button"]');
  if (!button) throw new Error('no [part="button"]');
  return button;
}

export const statusTextOf = (el: LoomeRuleRunner): string =>
  (shadow(el).querySelector('[part="status"]')?.textContent ?? '').replace(/\s+/g, ' ').trim();

export const messageOf = (el: LoomeRuleRunner): HTMLElement | null => shadow(el).querySelector<HTMLElement>('[part="message"]');

/**
 * A node as its markup, or null: assert on this rather than on the node. A failing
 * assertion that holds a DOM node takes the whole test page down under this
 * web-test-runner + Chromium (every result of the file is lost), a string does not.
 */
export const markup = (node: Element | null | undefined): string | null => node?.outerHTML ?? null;

export const progressOf = (el: LoomeRuleRunner): HTMLElement | null => shadow(el).querySelector<HTMLElement>('[part="progress"]');

// ---------------------------------------------------------------------------
// Page visibility (the element reads document.visibilityState)

/** Makes the page look hidden or visible and tells listeners, as a tab switch would. */
export function setPageVisibility(state: 'hidden' | 'visible'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Removes the overrides so `Document.prototype`'s real getters show through again. */
export function restorePageVisibility(): void {
  const doc = document as unknown as Record<string, unknown>;
  delete doc['visibilityState'];
  delete doc['hidden'];
}

// ---------------------------------------------------------------------------
// Fixtures and time for the fine-grained tests

/** Never reached: FakeLoome answers for it (and `.test` never resolves, should a request slip through). */
export const FAKE_API_BASE = 'https://loome.test/api/v1';
export const FAKE_TOKEN_ENDPOINT = '/portal/loome/token';

/**
 * An element wired to FakeLoome: rule 7, poll every 5 s up to 30 s. Pass an
 * attribute as null to leave it out.
 */
export function fakeRunner(attributes: Record<string, string | null> = {}): Promise<LoomeRuleRunner> {
  return runnerFixture({
    'rule-id': '7',
    'token-endpoint': FAKE_TOKEN_ENDPOINT,
    'api-base-url': FAKE_API_BASE,
    'poll-interval': '5',
    'max-poll-interval': '30',
    ...attributes,
  });
}

/** A fixture element with these attributes; a null value leaves the attribute out. */
function runnerFixture(attributes: Record<string, string | null>): Promise<LoomeRuleRunner> {
  const el = document.createElement('loome-rule-runner');
  for (const [name, value] of Object.entries(attributes)) if (value !== null) el.setAttribute(name, value);
  return fixture<LoomeRuleRunner>(html`${el}`);
}

/**
 * Fake timers for the run loop's sleeps and the elapsed-time ticker. Only timers and
 * Date: requestAnimationFrame and friends stay real, so fixtures and axe still work.
 * Mocha keeps its own references to the real timers, so its timeouts still work.
 */
export function useFakeClock(sandbox: SinonSandbox): SinonFakeTimers {
  return sandbox.useFakeTimers({
    now: Date.now(),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

// ---------------------------------------------------------------------------
// A scriptable fake of the token endpoint and the Loome API, for tests on fake timers

export type RequestKind = 'token' | 'execute' | 'execution' | 'other';

export interface FetchCall {
  kind: RequestKind;
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
  signal: AbortSignal | undefined;
  /** Date.now() when the request was made (fake time under fake timers). */
  at: number;
}

/** A status step (an execution object, PascalCase as Loome spells it) or a canned reply. */
export type ExecutionStep = { status: string; message?: string } | (() => Response);

/**
 * A real Response whose text() resolves in a microtask. Reading a real body takes
 * native tasks, and under fake timers those can let the clock run ahead (the
 * element's one-second ticker fires meanwhile), so the run loop's next sleep would
 * start late. With this, an answer is handled before the clock moves.
 */
export function instantResponse(body: string, init: ResponseInit): Response {
  const response = new Response(body, init);
  Object.defineProperty(response, 'text', { value: () => Promise.resolve(body) });
  return response;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return instantResponse(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

interface Hold {
  kind: RequestKind;
  release: () => void;
  released: Promise<void>;
}

/**
 * Stands in for `window.fetch`: the host's token endpoint (`…/token`), `POST …/execute`
 * and `GET …/executions/{id}`. Executions move one step per GET (the last repeats),
 * like the real mock, so the tests decide what each check sees. A request can be
 * held until the test releases it, to look at the element mid-request. Aborts
 * reject with an AbortError, as the real fetch does.
 */
export class FakeLoome {
  readonly calls: FetchCall[] = [];
  readonly stub: SinonStub;
  /** The access token the fake token endpoint hands out. */
  token = 'fake-access-token-7f3c9e1d';
  executionId = 4242;
  steps: ExecutionStep[] = [{ status: 'Success', message: 'All good' }];
  /** Replies the next execute calls get, in order, before one is accepted. */
  executeReplies: Array<() => Response> = [];
  /** Replaces the token endpoint's answer. */
  tokenReply?: () => Response;
  #gets = 0;
  #holds: Hold[] = [];
  #waiters: Array<{ kind: RequestKind; count: number; resolve: () => void }> = [];

  constructor(sandbox: SinonSandbox) {
    this.stub = sandbox.stub(window, 'fetch').callsFake((input, init) => this.#handle(input, init));
  }

  count(kind: RequestKind): number {
    return this.calls.filter((call) => call.kind === kind).length;
  }

  callsOf(kind: RequestKind): FetchCall[] {
    return this.calls.filter((call) => call.kind === kind);
  }

  /** Resolves once `count` requests of this kind have been made in total. */
  waitForCalls(kind: RequestKind, count: number): Promise<void> {
    if (this.count(kind) >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ kind, count, resolve }));
  }

  /** The next request of this kind waits until `release()` is called. */
  hold(kind: RequestKind): { release: () => void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#holds.push({ kind, release, released });
    return { release };
  }

  async #handle(input: RequestInfo | URL, init: RequestInit | undefined): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const method = (init?.method ?? 'GET').toUpperCase();
    const kind: RequestKind = url.pathname.endsWith('/token')
      ? 'token'
      : /\/rulesets\/[^/]+\/execute$/.test(url.pathname)
        ? 'execute'
        : /\/rulesets\/executions\/[^/]+$/.test(url.pathname)
          ? 'execution'
          : 'other';
    const signal = init?.signal ?? undefined;
    const call: FetchCall = {
      kind,
      url: url.href,
      method,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
      credentials: init?.credentials,
      signal,
      at: Date.now(),
    };
    this.calls.push(call);
    for (const waiter of [...this.#waiters]) {
      if (waiter.kind === kind && this.count(kind) >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }

    const abortError = () => new DOMException('The user aborted a request.', 'AbortError');
    if (signal?.aborted) throw abortError();
    const holdIndex = this.#holds.findIndex((h) => h.kind === kind);
    const reply = () => this.#reply(kind, url);
    if (holdIndex === -1) return reply();
    const [held] = this.#holds.splice(holdIndex, 1);
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      void held!.released.then(() => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(abortError());
        else resolve(reply());
      });
    });
  }

  #reply(kind: RequestKind, url: URL): Response {
    switch (kind) {
      case 'token':
        return this.tokenReply?.() ?? jsonResponse(200, { access_token: this.token, expires_in: 3600, token_type: 'Bearer' });
      case 'execute': {
        const early = this.executeReplies.shift();
        return early ? early() : jsonResponse(200, { ruleExecutionId: this.executionId });
      }
      case 'execution': {
        const step = this.steps[Math.min(this.#gets, this.steps.length - 1)];
        this.#gets++;
        if (!step) return jsonResponse(500, { message: 'no steps' });
        if (typeof step === 'function') return step();
        const id = Number(url.pathname.split('/').pop());
        return jsonResponse(200, { Id: id, Status: step.status, Message: step.message ?? '' });
      }
      default:
        return jsonResponse(404, { message: 'Not found' });
    }
  }
}

// ---------------------------------------------------------------------------
// Suite housekeeping, shared so every file starts and ends each test the same way

/** The mock's log lines for the requests a run makes (see logLines). */
export const TOKEN_LINE = `POST ${MOCK_TOKEN_ENDPOINT} 200`;
export const executeLine = (ruleId: number, status: number): string => `POST ${MOCK_API_BASE}/rulesets/${ruleId}/execute ${status}`;
export const checkLine = (executionId: number, status: number): string =>
  `GET ${MOCK_API_BASE}/rulesets/executions/${executionId} ${status}`;

/**
 * An element wired to the mock over real HTTP, checking every second. Pass an
 * attribute as null to leave it out.
 */
export function mockRunner(ruleId: number, attributes: Record<string, string | null> = {}): Promise<LoomeRuleRunner> {
  return runnerFixture({
    'rule-id': String(ruleId),
    'token-endpoint': MOCK_TOKEN_ENDPOINT,
    'api-base-url': MOCK_API_BASE,
    'poll-interval': '1',
    'max-poll-interval': '1',
    ...attributes,
  });
}

/** Records events and stops every recorder after each test. Call inside describe(). */
function useRecorders(): (target: EventTarget) => EventRecorder {
  const recorders: EventRecorder[] = [];
  afterEach(() => {
    for (const recorder of recorders.splice(0)) recorder.stop();
  });
  return (target) => {
    const recorder = recordEvents(target);
    recorders.push(recorder);
    return recorder;
  };
}

/** For the real-HTTP suites: clean storage and an empty mock log before each test. Call inside describe(). */
export function useRealHttpSuite(): { record(target: EventTarget): EventRecorder } {
  const record = useRecorders();
  beforeEach(async () => {
    sessionStorage.clear();
    await resetMockLog();
  });
  afterEach(() => sessionStorage.clear());
  return { record };
}

/**
 * For the fine-grained suites: a sinon sandbox and a fresh FakeLoome (a stub of
 * window.fetch) per test, page visibility and storage restored after. Call inside describe().
 */
export function useFakeLoomeSuite(sandbox: SinonSandbox): { record(target: EventTarget): EventRecorder; fake(): FakeLoome } {
  const record = useRecorders();
  let fake: FakeLoome | undefined;
  beforeEach(() => {
    sessionStorage.clear();
    fake = new FakeLoome(sandbox);
  });
  afterEach(() => {
    sandbox.restore();
    restorePageVisibility();
    sessionStorage.clear();
  });
  return { record, fake: () => fake! };
}
