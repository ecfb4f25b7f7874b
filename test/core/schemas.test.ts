import { expect } from '@open-wc/testing';
import {
  ExecuteAnswer,
  ExecutionAnswer,
  TokenAnswer,
  describeIssues,
  normaliseExecution,
  terminalOutcome,
} from '../../src/core/schemas.js';

/** Parses an execution answer and normalises it, or fails the test. */
function execution(answer: unknown) {
  const parsed = ExecutionAnswer.safeParse(answer);
  if (!parsed.success) throw new Error(`expected a valid execution, got: ${describeIssues(parsed.error)}`);
  return normaliseExecution(parsed.data);
}

describe('schemas', () => {
  describe('ExecuteAnswer', () => {
    it('accepts a positive integer ruleExecutionId and keeps other fields', () => {
      const parsed = ExecuteAnswer.safeParse({ ruleExecutionId: 1001, extra: 'kept' });
      expect(parsed.success).to.equal(true);
      expect(parsed.data).to.deep.equal({ ruleExecutionId: 1001, extra: 'kept' });
    });

    for (const ruleExecutionId of ['abc', '1001', 0, -1, 1.5, null, Number.NaN]) {
      it(`refuses ruleExecutionId ${JSON.stringify(ruleExecutionId)}`, () => {
        expect(ExecuteAnswer.safeParse({ ruleExecutionId }).success).to.equal(false);
      });
    }

    it('refuses an answer without ruleExecutionId and names the field in the description', () => {
      const parsed = ExecuteAnswer.safeParse({ executionId: 1001 });
      expect(parsed.success).to.equal(false);
      expect(describeIssues(parsed.error!)).to.contain('ruleExecutionId');
    });

    it('refuses answers that are not objects', () => {
      for (const answer of [null, 1001, '1001', []]) expect(ExecuteAnswer.safeParse(answer).success).to.equal(false);
    });
  });

  describe('ExecutionAnswer and normaliseExecution', () => {
    it('reads the PascalCase spelling', () => {
      expect(execution({ Status: 'Failure', Message: 'Step 3 failed' })).to.deep.equal({ status: 'Failure', message: 'Step 3 failed' });
    });

    it('reads the camelCase spelling', () => {
      expect(execution({ status: 'Running', message: 'Step 2 of 5' })).to.deep.equal({ status: 'Running', message: 'Step 2 of 5' });
    });

    it('turns a null or missing message into an empty string', () => {
      expect(execution({ status: 'Queued', message: null })).to.deep.equal({ status: 'Queued', message: '' });
      expect(execution({ Status: 'Queued', Message: null })).to.deep.equal({ status: 'Queued', message: '' });
      expect(execution({ Status: 'Queued' })).to.deep.equal({ status: 'Queued', message: '' });
    });

    it('keeps the status as the server wrote it', () => {
      expect(execution({ status: 'in progress (step 2)' }).status).to.equal('in progress (step 2)');
    });

    it('falls back to the PascalCase fields when the camelCase status is empty', () => {
      expect(execution({ status: '', Status: 'Success', Message: 'done' })).to.deep.equal({ status: 'Success', message: 'done' });
    });

    it('refuses an execution without a status', () => {
      for (const answer of [{ message: 'hi' }, { Message: 'hi' }, { status: '' }, { Status: null }, { status: 3 }, null, 'Running']) {
        expect(ExecutionAnswer.safeParse(answer).success, JSON.stringify(answer)).to.equal(false);
      }
    });

    it('refuses a message that is not text', () => {
      expect(ExecutionAnswer.safeParse({ status: 'Failure', message: { html: '<b>x</b>' } }).success).to.equal(false);
    });
  });

  describe('TokenAnswer', () => {
    it('accepts the identity server answer passed through', () => {
      const parsed = TokenAnswer.safeParse({ access_token: 'abc', expires_in: 3600, token_type: 'Bearer', scope: 'webApi' });
      expect(parsed.success).to.equal(true);
    });

    it('refuses an empty or missing access_token and a non-positive expires_in', () => {
      for (const answer of [{}, { access_token: '' }, { access_token: 5 }, { access_token: 'abc', expires_in: 0 }, { access_token: 'abc', expires_in: '3600' }]) {
        expect(TokenAnswer.safeParse(answer).success, JSON.stringify(answer)).to.equal(false);
      }
    });
  });

  describe('terminalOutcome', () => {
    it('reads Success, Failure and Cancelled in any case and with stray spaces', () => {
      expect(terminalOutcome('Success')).to.equal('success');
      expect(terminalOutcome('SUCCESS')).to.equal('success');
      expect(terminalOutcome('failure')).to.equal('failure');
      expect(terminalOutcome(' Failure ')).to.equal('failure');
      expect(terminalOutcome('Cancelled')).to.equal('cancelled');
      expect(terminalOutcome('cAnCeLlEd')).to.equal('cancelled');
    });

    it('is null for statuses that mean the run is still going', () => {
      for (const status of ['Running', 'Queued', 'Pending', '', 'Succeeded soon']) {
        expect(terminalOutcome(status), status).to.equal(null);
      }
    });

    it('is null for statuses that happen to name Object.prototype members', () => {
      for (const status of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
        // Compared as a boolean: chai's diff of Object.prototype hangs the browser.
        const outcome: unknown = terminalOutcome(status);
        expect(outcome === null, `${status} gave ${typeof outcome}`).to.equal(true);
      }
    });
  });
});
