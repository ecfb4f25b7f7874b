// @ts-check
// The mock's rules: ONE table, rule id → behaviour, so the mock, the demo page and
// the tests all read the same facts. Each rule has a one-line description that
// the demo shows.
//
// This module is pure data (no Node imports) so the browser demo can import it too.

/** @typedef {import('./http-helpers.js').MockReply} MockReply */

/**
 * One answer of `GET /rulesets/executions/{id}`: either the execution object
 * with this status and message, or a canned HTTP reply instead (a fault).
 * @typedef {{ status: string, message: string } | { reply: MockReply }} ExecutionStep
 */

/**
 * @typedef {object} MockRule
 * @property {number} id the Loome rule id
 * @property {string} title a few words, for headings and the demo's picker
 * @property {string} description one line: what this rule does in the mock
 * @property {readonly ExecutionStep[]} steps what successive GETs of an execution
 *   answer; the status advances one step per GET (not by time, so tests are
 *   deterministic) and the last step repeats forever
 * @property {'PascalCase' | 'camelCase'} [fieldCase] how the execution object spells
 *   its fields (Loome's API may use either); PascalCase by default
 * @property {MockReply} [executeReply] when set, `execute` always answers this
 *   instead of accepting the trigger
 * @property {readonly MockReply[]} [firstExecuteReplies] the first executes of this
 *   rule (per mock instance) answer these, in order; later ones are accepted
 * @property {boolean} [hostRefusesToken] the host's token endpoint refuses this rule
 *   (the portal user may not run it)
 */

const SUCCESS_MESSAGE = 'Rule completed: no issues found';

// Shared steps, so the table below reads like the brief.
/** @type {ExecutionStep} */
const queued = { status: 'Queued', message: 'Waiting for an agent' };
/** @type {ExecutionStep} */
const running = { status: 'Running', message: 'Checking rows' };
/** @type {ExecutionStep} */
const success = { status: 'Success', message: SUCCESS_MESSAGE };

/** @type {ExecutionStep} */
const unavailable = { reply: { status: 503, json: { message: 'Service Unavailable' } } };

/**
 * @param {ExecutionStep} step
 * @param {number} times
 * @returns {ExecutionStep[]}
 */
const repeat = (step, times) => Array.from({ length: times }, () => step);

/** @type {readonly MockRule[]} */
export const MOCK_RULES = deepFreeze([
  {
    id: 1,
    title: 'Succeeds',
    description: 'Queued, Running, Running, then Success.',
    steps: [queued, running, running, success],
  },
  {
    id: 2,
    title: 'Fails with a message',
    description: 'Queued, Running, then Failure with a reason.',
    steps: [
      queued,
      running,
      { status: 'Failure', message: 'Row count check failed: 3 rows in dbo.Orders have no customer' },
    ],
  },
  {
    id: 3,
    title: 'Cancelled',
    description: 'Running, then Cancelled by an administrator.',
    steps: [running, { status: 'Cancelled', message: 'Cancelled by an administrator' }],
  },
  {
    id: 4,
    title: 'Forbidden (403)',
    description: "Execute answers 403: the API key's role may not run this rule.",
    executeReply: { status: 403, json: { message: 'Forbidden' } },
    steps: [success],
  },
  {
    id: 5,
    title: 'Slow',
    description: 'Queued for 2 checks, Running for 10, then Success.',
    steps: [...repeat(queued, 2), ...repeat(running, 10), success],
  },
  {
    id: 6,
    title: 'Instant',
    description: 'The first status check already says Success.',
    steps: [success],
  },
  {
    id: 7,
    title: 'camelCase, lowercase status',
    description: 'Fields spelled status/message, status spelled running then success.',
    fieldCase: 'camelCase',
    steps: [
      { status: 'running', message: '' },
      { status: 'success', message: 'ok' },
    ],
  },
  {
    id: 8,
    title: 'Trigger fails (500)',
    description: 'Execute answers 500 (the rule may have started anyway).',
    executeReply: { status: 500, json: { message: 'An error occurred while processing your request.' } },
    steps: [success],
  },
  {
    id: 9,
    title: 'Trigger rate limited (429)',
    description: 'The first execute answers 429 with Retry-After: 1; later ones behave like rule 6.',
    firstExecuteReplies: [
      { status: 429, json: { message: 'Too Many Requests' }, headers: { 'Retry-After': '1' } },
    ],
    steps: [success],
  },
  {
    id: 10,
    title: 'Flaky status checks',
    description: 'The first two status checks answer 503, then Running, then Success.',
    steps: [unavailable, unavailable, running, success],
  },
  {
    id: 11,
    title: 'Trigger answers HTML',
    description: 'Execute answers 200 with an HTML page instead of JSON.',
    executeReply: {
      status: 200,
      html: '<!doctype html><html><head><title>Loome</title></head><body><h1>Welcome to Loome</h1></body></html>',
    },
    steps: [success],
  },
  {
    id: 12,
    title: 'Trigger answer invalid',
    description: 'Execute answers {"ruleExecutionId":"abc"} (not an integer).',
    executeReply: { status: 200, json: { ruleExecutionId: 'abc' } },
    steps: [success],
  },
  {
    id: 13,
    title: 'Host refuses the token',
    description: 'The host token endpoint answers 403 for this rule; execute would behave like rule 6.',
    hostRefusesToken: true,
    steps: [success],
  },
  {
    id: 14,
    title: 'Status answer invalid',
    description: 'Status checks answer {"foo":1} (no status).',
    steps: [{ reply: { status: 200, json: { foo: 1 } } }],
  },
  {
    id: 15,
    title: 'Status always 503',
    description: 'Every status check answers 503.',
    steps: [unavailable],
  },
  {
    id: 16,
    title: 'Never finishes',
    description: 'Running forever.',
    steps: [running],
  },
  {
    id: 18,
    title: 'Client removed (401)',
    description: 'Execute always answers 401, even with a valid token (the client was removed from the tenant).',
    executeReply: { status: 401, json: { message: 'Unauthorized' } },
    steps: [success],
  },
  {
    id: 19,
    title: 'Failure message with markup',
    description: 'Fails with a message that contains HTML; it must show as text.',
    steps: [running, { status: 'Failure', message: '<img src=x onerror="alert(1)"><b>bold</b>' }],
  },
  {
    id: 20,
    title: 'Status check rate limited',
    description: 'The first status check answers 429 with Retry-After: 2, then Success.',
    steps: [
      { reply: { status: 429, json: { message: 'Too Many Requests' }, headers: { 'Retry-After': '2' } } },
      success,
    ],
  },
]);

/**
 * The rule with this id, or undefined (execute then answers 404 "Rule not found").
 * @param {number} id
 * @returns {MockRule | undefined}
 */
export function findMockRule(id) {
  return MOCK_RULES.find((rule) => rule.id === id);
}

/**
 * Freezes the table all the way down: it is shared by every mock instance,
 * so no instance may change it (per-instance state lives elsewhere).
 * @template T
 * @param {T} value
 * @returns {T}
 */
function deepFreeze(value) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
