// @ts-check
// The mock of the Loome Monitor API's two calls the element uses:
//   POST {api}/rulesets/{ruleId}/execute          → {"ruleExecutionId": n}
//   GET  {api}/rulesets/executions/{executionId}  → the execution object
// Behaviour per rule comes from the rules table (rules.js). An execution moves
// one step per GET, never by the clock, so tests are deterministic whatever
// the poll interval.

import { findMockRule } from './rules.js';
import { bearerToken, parsePositiveInteger, sendJson, sendReply } from './http-helpers.js';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./identity-server.js').IdentityServer} IdentityServer */
/** @typedef {import('./rules.js').MockRule} MockRule */
/** @typedef {import('./rules.js').ExecutionStep} ExecutionStep */

/**
 * @typedef {object} Execution
 * @property {number} id
 * @property {MockRule} rule
 * @property {string} startedAt ISO 8601
 * @property {number} nextStep index into rule.steps of the next GET's answer
 */

/**
 * @typedef {object} MonitorApi
 * @property {(req: IncomingMessage, res: ServerResponse, ruleIdText: string) => void} execute
 * @property {(req: IncomingMessage, res: ServerResponse, executionIdText: string) => void} getExecution
 * @property {() => void} resetExecuteCounts makes each rule's firstExecuteReplies apply again (rule 9's 429)
 */

/** Execution ids start here, so they are easy to tell from rule ids in logs and tests. */
export const FIRST_EXECUTION_ID = 1001;

/**
 * @param {{ identity: IdentityServer, now?: () => number }} options
 * @returns {MonitorApi}
 */
export function createMonitorApi({ identity, now = Date.now }) {
  let nextExecutionId = FIRST_EXECUTION_ID;
  /** @type {Map<number, Execution>} */
  const executions = new Map();
  /** @type {Map<number, number>} rule id → authorised execute calls so far (for firstExecuteReplies) */
  const executeCalls = new Map();

  /**
   * Answers 401 and returns false unless the request carries a live token.
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @returns {boolean}
   */
  function authorize(req, res) {
    const token = bearerToken(req);
    if (token !== null && identity.isValid(token)) return true;
    sendJson(res, 401, { message: 'Unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
    return false;
  }

  return {
    resetExecuteCounts() {
      executeCalls.clear();
    },

    execute(req, res, ruleIdText) {
      // Loome's sample sends no body; drain whatever comes so keep-alive works.
      req.resume();
      if (!authorize(req, res)) return;

      const ruleId = parsePositiveInteger(ruleIdText);
      if (ruleId === null) {
        sendJson(res, 400, { message: 'The rule id must be a positive integer' });
        return;
      }
      const rule = findMockRule(ruleId);
      if (!rule) {
        sendJson(res, 404, { message: 'Rule not found' });
        return;
      }
      if (rule.executeReply) {
        sendReply(res, rule.executeReply);
        return;
      }

      const callIndex = executeCalls.get(ruleId) ?? 0;
      executeCalls.set(ruleId, callIndex + 1);
      const earlyReply = rule.firstExecuteReplies?.[callIndex];
      if (earlyReply) {
        sendReply(res, earlyReply);
        return;
      }

      const id = nextExecutionId++;
      executions.set(id, { id, rule, startedAt: new Date(now()).toISOString(), nextStep: 0 });
      sendJson(res, 200, { ruleExecutionId: id });
    },

    getExecution(req, res, executionIdText) {
      req.resume();
      if (!authorize(req, res)) return;

      const executionId = parsePositiveInteger(executionIdText);
      if (executionId === null) {
        sendJson(res, 400, { message: 'The execution id must be a positive integer' });
        return;
      }
      const execution = executions.get(executionId);
      if (!execution) {
        sendJson(res, 404, { message: 'Execution not found' });
        return;
      }

      const { steps } = execution.rule;
      const step = steps[Math.min(execution.nextStep, steps.length - 1)];
      // Advance even on a fault step: "the first two GETs answer 503" means
      // the third GET moves on, as a recovering server would.
      execution.nextStep += 1;
      if (!step) {
        // Only if someone adds a rule with no steps.
        sendJson(res, 500, { message: `Mock rule ${execution.rule.id} has no steps` });
      } else if ('reply' in step) {
        sendReply(res, step.reply);
      } else {
        sendJson(res, 200, executionBody(execution, step));
      }
    },
  };
}

/**
 * The execution object as Loome spells it for this rule.
 * @param {Execution} execution
 * @param {{ status: string, message: string }} step
 * @returns {Record<string, unknown>}
 */
function executionBody(execution, step) {
  if (execution.rule.fieldCase === 'camelCase') {
    return {
      id: execution.id,
      ruleId: execution.rule.id,
      status: step.status,
      message: step.message,
      startedAt: execution.startedAt,
    };
  }
  return {
    Id: execution.id,
    RuleId: execution.rule.id,
    Status: step.status,
    Message: step.message,
    StartedAt: execution.startedAt,
  };
}
