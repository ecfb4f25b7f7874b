import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LoomeClient } from './core/client.js';
import { type RunnerConfig, parsePositiveInteger, resolveConfig } from './core/config.js';
import { ErrorKind, type RunError } from './core/errors.js';
import { type RunResult, RunState, runRule, terminalState } from './core/run.js';
import { type Execution, terminalOutcome } from './core/schemas.js';
import { Waker } from './core/timing.js';
import { TokenCache, type TokenProvider, endpointTokenSource } from './core/tokens.js';
import { type CompleteOutcome, emit } from './events.js';
import { styles } from './loome-rule-runner.styles.js';
import { forgetExecutionId, loadExecutionId, resumeKey, saveExecutionId } from './resume-storage.js';
import { type LoomeRuleRunnerStringsInput, formatElapsed, mergeStrings } from './strings.js';

/** What `run()` resolves to. `prevented`: no run began (disabled, or `loome-rule-start` was cancelled). */
export interface RunOutcome {
  outcome: CompleteOutcome | 'prevented';
  ruleId: number;
  executionId?: number;
  /** The server's final status, as written. */
  status?: string;
  message?: string;
  kind?: ErrorKind;
  httpStatus?: number;
  durationMs?: number;
}

/** One run, from `loome-rule-start` to `loome-rule-complete`; it outlives a removal so that re-insertion resumes it. */
interface ActiveRun {
  readonly ruleId: number;
  readonly startedAt: number;
  readonly promise: Promise<RunOutcome>;
  readonly resolve: (outcome: RunOutcome) => void;
  readonly waker: Waker;
  controller: AbortController;
  config?: RunnerConfig;
  api?: LoomeClient;
  storageKey?: string;
  executionId?: number;
}

const IN_FLIGHT: ReadonlySet<RunState> = new Set([RunState.authorizing, RunState.starting, RunState.running]);

/**
 * Triggers a Loome Monitor rule and follows its execution to the end, showing
 * progress as it goes and telling the page through DOM events. It never holds
 * a secret: the host hands it a short-lived token (token mode) or forwards its
 * calls (proxy mode).
 *
 * @summary Runs a Loome Monitor rule and follows it to Success, Failure or Cancelled.
 *
 * @attr {'idle'|'authorizing'|'starting'|'running'|'succeeded'|'failed'|'cancelled'|'error'} state - Read-only: reflected by the element for styling and tests.
 *
 * @fires {CustomEvent<LoomeRuleStartDetail>} loome-rule-start - A run is about to begin, before any request. Cancelable: `preventDefault()` stops it.
 * @fires {CustomEvent<LoomeRuleTriggeredDetail>} loome-rule-triggered - The API accepted the trigger.
 * @fires {CustomEvent<LoomeRuleStatusDetail>} loome-rule-status - The server-reported status changed (not on every check).
 * @fires {CustomEvent<LoomeRuleResultDetail>} loome-rule-success - The execution finished with `Success`.
 * @fires {CustomEvent<LoomeRuleResultDetail>} loome-rule-failure - The execution finished with `Failure` or `Cancelled`.
 * @fires {CustomEvent<LoomeRuleErrorDetail>} loome-rule-error - The element could not trigger or follow the run.
 * @fires {CustomEvent<LoomeRuleCompleteDetail>} loome-rule-complete - Always, exactly once per run, last.
 *
 * @csspart button - The run button.
 * @csspart status - The state in words, the server's status, the execution ID and the elapsed time.
 * @csspart message - The server's message, or what went wrong and what to do.
 * @csspart progress - The indeterminate progress bar shown while a run is in flight.
 *
 * @cssprop --loome-rule-runner-accent - Button and progress colour.
 * @cssprop --loome-rule-runner-accent-contrast - Button text colour.
 * @cssprop --loome-rule-runner-color - Text colour.
 * @cssprop --loome-rule-runner-muted-color - Colour of the execution ID and elapsed time.
 * @cssprop --loome-rule-runner-success-color - Colour of the state when the rule succeeded.
 * @cssprop --loome-rule-runner-danger-color - Colour of the state when the rule failed, was cancelled, or could not be followed.
 * @cssprop --loome-rule-runner-track-color - Progress bar track colour.
 * @cssprop --loome-rule-runner-focus-ring - Button focus outline colour.
 * @cssprop --loome-rule-runner-radius - Button corner radius.
 * @cssprop --loome-rule-runner-gap - Space between the button and the status.
 */
export class LoomeRuleRunner extends LitElement {
  static override styles = styles;

  /** The Loome Monitor rule to run: a positive whole number. */
  @property({ attribute: 'rule-id', type: Number }) ruleId?: number;

  /** The host's token endpoint (relative URLs resolve against the page); not needed with `proxy` or `tokenProvider`. */
  @property({ attribute: 'token-endpoint' }) tokenEndpoint?: string;

  /** `api-base-url` is the host's same-origin proxy, which adds the Loome token on the server: the element sends no token. */
  @property({ type: Boolean }) proxy = false;

  /** Picks the Loome Monitor API host: `au` or `us`. */
  @property() region: 'au' | 'us' = 'au';

  /** Overrides `region`: must be `https:`, same-origin relative, or a loopback host. */
  @property({ attribute: 'api-base-url' }) apiBaseUrl?: string;

  /** Seconds between status checks while the status keeps changing; at least 1. */
  @property({ attribute: 'poll-interval', type: Number }) pollInterval = 5;

  /** Seconds: the wait grows while the status stays the same, up to this. */
  @property({ attribute: 'max-poll-interval', type: Number }) maxPollInterval = 30;

  /** Seconds after which the element stops following (the rule keeps running on the server); 0 = never. */
  @property({ type: Number }) timeout = 3600;

  /** Set by the element once a run is triggered; set it on an idle element to follow that execution. */
  @property({ attribute: 'execution-id', type: Number, reflect: true }) executionId?: number;

  /** The button's text. */
  @property() label = 'Run rule';

  /** No run can start. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Replaces `token-endpoint`: resolves to an access token, or to `{ access_token, expires_in }`. */
  @property({ attribute: false }) tokenProvider?: TokenProvider;

  /** Overrides any text the element shows (localisation). */
  @property({ attribute: false }) strings?: LoomeRuleRunnerStringsInput;

  @state() private _state: RunState = RunState.idle;
  @state() private _execution?: Execution;
  @state() private _error?: RunError;
  @state() private _retrying?: RunError;
  /** Bumped every second while in flight, to redraw the elapsed time. */
  @state() private _now = Date.now();

  #run: ActiveRun | null = null;
  /** The execution ID the element set itself, to tell it from one the host set. */
  #ownExecutionId?: number;
  #tokens?: { source: string | TokenProvider; cache: TokenCache };
  #ticker?: ReturnType<typeof setInterval>;

  /** The run's state, reflected to the `state` attribute. */
  get state(): RunState {
    return this._state;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
    const run = this.#run;
    if (run?.executionId !== undefined && run.controller.signal.aborted) {
      // Re-inserted mid-run: carry on following the same execution, as the same run.
      run.controller = new AbortController();
      this.#drive(run);
    } else if (!run) {
      this.#resumeFromStorage();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
    this.#stopTicker();
    const run = this.#run;
    if (!run) return;
    run.controller.abort();
    // Without an execution ID there is nothing to resume: the run is over, silently.
    if (run.executionId === undefined) {
      this.#run = null;
      this._state = RunState.idle;
      run.resolve({ outcome: 'stopped', ruleId: run.ruleId });
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('executionId') && this.executionId !== this.#ownExecutionId) {
      if (this.#run) {
        // The element owns the attribute while a run is in flight.
        this.executionId = this.#ownExecutionId;
      } else {
        const id = parsePositiveInteger(this.executionId);
        if (id !== undefined) void this.#begin(id);
      }
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('_state')) this.setAttribute('state', this._state);
  }

  #onVisibilityChange = (): void => {
    // Visible again: one check at once rather than at the end of a long hidden-page wait.
    if (document.visibilityState === 'visible') this.#run?.waker.wake();
  };

  #onClick = (): void => {
    void this.run();
  };

  #setExecutionId(id: number | undefined): void {
    this.#ownExecutionId = id;
    this.executionId = id;
  }

  #startTicker(): void {
    this.#stopTicker();
    this._now = Date.now();
    this.#ticker = setInterval(() => (this._now = Date.now()), 1000);
  }

  #stopTicker(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  /** After a reload, follow the execution this element was following in this tab. */
  #resumeFromStorage(): void {
    const ruleId = parsePositiveInteger(this.ruleId);
    if (ruleId === undefined || this.executionId !== undefined) return;
    const id = loadExecutionId(resumeKey(location.pathname, this.id, ruleId));
    if (id !== undefined) void this.#begin(id);
  }

  #tokenCacheFor(config: RunnerConfig): TokenCache | null {
    if (config.proxy) return null;
    const source = this.tokenProvider ?? config.tokenEndpoint!;
    if (this.#tokens?.source !== source) {
      const provider = typeof source === 'function' ? source : endpointTokenSource((input, init) => fetch(input, init), source);
      this.#tokens = { source, cache: new TokenCache(provider) };
    }
    return this.#tokens.cache;
  }

  /** Starts a run: triggers the rule, or follows `followId` when given. */
  #begin(followId?: number): Promise<RunOutcome> {
    const ruleId = parsePositiveInteger(this.ruleId) ?? Number.NaN;
    if (this.disabled || !emit(this, 'loome-rule-start', { ruleId }, { cancelable: true })) {
      return Promise.resolve({ outcome: 'prevented', ruleId });
    }
    let resolve!: (outcome: RunOutcome) => void;
    const promise = new Promise<RunOutcome>((r) => (resolve = r));
    const run: ActiveRun = {
      ruleId,
      startedAt: Date.now(),
      promise,
      resolve,
      waker: new Waker(),
      controller: new AbortController(),
      ...(followId !== undefined && { executionId: followId }),
    };
    this.#run = run;
    this._execution = undefined;
    this._error = undefined;
    this._retrying = undefined;
    this.#setExecutionId(followId);

    // Configuration is read when a run starts, so a host may change attributes between runs.
    const resolved = resolveConfig({
      ruleId: Number.isNaN(this.ruleId) ? this.getAttribute('rule-id') : this.ruleId,
      tokenEndpoint: this.tokenEndpoint,
      hasTokenProvider: typeof this.tokenProvider === 'function',
      proxy: this.proxy,
      region: this.region,
      apiBaseUrl: this.apiBaseUrl,
      pollInterval: this.pollInterval,
      maxPollInterval: this.maxPollInterval,
      timeout: this.timeout,
      pageUrl: location.href,
    });
    if (!resolved.ok) {
      this.#finish(run, { outcome: 'error', error: resolved.error, ...(followId !== undefined && { executionId: followId }) });
      return promise;
    }
    run.config = resolved.config;
    run.storageKey = resumeKey(location.pathname, this.id, resolved.config.ruleId);
    run.api = new LoomeClient({
      apiBaseUrl: resolved.config.apiBaseUrl,
      ruleId: resolved.config.ruleId,
      tokens: this.#tokenCacheFor(resolved.config),
    });
    if (followId !== undefined) saveExecutionId(run.storageKey, followId);
    this.#drive(run);
    return promise;
  }

  /** Runs (or resumes) the core loop; every hook is ignored once this attempt was aborted, so nothing is emitted after removal. */
  #drive(run: ActiveRun): void {
    this.#startTicker();
    const { signal } = run.controller;
    const live = () => !signal.aborted && this.#run === run;
    runRule({
      config: run.config!,
      api: run.api!,
      signal,
      startedAt: run.startedAt,
      executionId: run.executionId,
      lastExecution: this._execution,
      waker: run.waker,
      isHidden: () => document.visibilityState === 'hidden',
      hooks: {
        state: (state) => {
          if (live()) this._state = state;
        },
        triggered: (executionId) => {
          if (!live()) return;
          run.executionId = executionId;
          this.#setExecutionId(executionId);
          saveExecutionId(run.storageKey!, executionId);
          emit(this, 'loome-rule-triggered', { ruleId: run.ruleId, executionId });
        },
        checked: (execution, statusChanged) => {
          if (!live()) return;
          this._execution = execution;
          // The final status is told once, by loome-rule-success or -failure.
          if (statusChanged && terminalOutcome(execution.status) === null) {
            emit(this, 'loome-rule-status', {
              ruleId: run.ruleId,
              executionId: run.executionId!,
              status: execution.status,
              message: execution.message,
            });
          }
        },
        retrying: (error) => {
          if (live()) this._retrying = error ?? undefined;
        },
      },
    }).then(
      (result) => {
        if (live()) this.#finish(run, result);
      },
      () => {
        // Rejects only when aborted (removal or stop()), which is never reported as an error.
      },
    );
  }

  /** Ends a run: the final state, the outcome event, storage, and `loome-rule-complete` last. */
  #finish(run: ActiveRun, result: RunResult | { outcome: 'stopped'; executionId?: number }): void {
    this.#run = null;
    this.#stopTicker();
    this._retrying = undefined;
    const { ruleId } = run;
    const executionId = result.executionId;
    const withId = executionId !== undefined ? { executionId } : {};
    const durationMs = Date.now() - run.startedAt;
    let outcome: RunOutcome;

    if (result.outcome === 'stopped') {
      this._state = RunState.idle;
      outcome = { outcome: 'stopped', ruleId, ...withId };
    } else if (result.outcome === 'error') {
      const { error } = result;
      this._state = RunState.error;
      this._error = error;
      const httpStatus = error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {};
      outcome = { outcome: 'error', ruleId, ...withId, kind: error.kind, message: error.message, ...httpStatus, durationMs };
      emit(this, 'loome-rule-error', { ruleId, ...withId, kind: error.kind, message: error.message, ...httpStatus });
    } else {
      const { execution } = result;
      this._state = terminalState[result.outcome];
      this._execution = execution;
      const detail = { ruleId, executionId: result.executionId, status: execution.status, message: execution.message, durationMs };
      outcome = { outcome: result.outcome, ...detail };
      emit(this, result.outcome === 'success' ? 'loome-rule-success' : 'loome-rule-failure', detail);
    }

    // Keep the ID for a reload only while following might still work later.
    const resumable = result.outcome === 'error' && (result.error.kind === ErrorKind.network || result.error.kind === ErrorKind.timeout);
    if (run.storageKey && !resumable) forgetExecutionId(run.storageKey);

    emit(this, 'loome-rule-complete', { ruleId, ...withId, outcome: outcome.outcome as CompleteOutcome });
    run.resolve(outcome);
  }

  /**
   * Starts a run. While one is in flight, returns the same promise: one click, one execution.
   */
  run(): Promise<RunOutcome> {
    return this.#run?.promise ?? this.#begin();
  }

  /**
   * Stops following the run (it does not cancel the rule on the server: the API
   * documents no cancel). The execution ID stays shown; the run completes as `stopped`.
   */
  stop(): void {
    const run = this.#run;
    if (!run) return;
    run.controller.abort();
    this.#finish(run, { outcome: 'stopped', ...(run.executionId !== undefined && { executionId: run.executionId }) });
  }

  /** Stops any run and returns to `idle`, forgetting the execution ID and messages. */
  reset(): void {
    this.stop();
    this.#setExecutionId(undefined);
    this._execution = undefined;
    this._error = undefined;
    this._state = RunState.idle;
  }

  override render() {
    const strings = mergeStrings(this.strings);
    const inFlight = IN_FLIGHT.has(this._state);
    const serverStatus = this._state === RunState.running && this._execution ? `: ${this._execution.status}` : '';
    const message = this._error?.message ?? this._retrying?.message ?? this._execution?.message ?? '';
    const startedAt = this.#run?.startedAt;

    return html`
      <div class="base">
        <button part="button" type="button" ?disabled=${this.disabled || inFlight} @click=${this.#onClick}>
          ${this.label}
        </button>
        <div class="live" role="status" aria-live="polite">
          <span part="status">
            <span class="state">${strings.states[this._state]}${serverStatus}</span>
            ${this._retrying ? html`<span class="retrying">${strings.retrying}</span>` : nothing}
            ${this.executionId !== undefined
              ? html`<span class="execution">${strings.execution.replace('{id}', String(this.executionId))}</span>`
              : nothing}
            ${inFlight && startedAt !== undefined
              ? html`<span class="elapsed" aria-hidden="true">${strings.elapsed.replace('{time}', formatElapsed(this._now - startedAt))}</span>`
              : nothing}
          </span>
          ${message ? html`<p part="message">${message}</p>` : nothing}
        </div>
        ${inFlight ? html`<div part="progress" role="progressbar" aria-label=${strings.progress}></div>` : nothing}
      </div>
    `;
  }
}
