import { expect } from '@open-wc/testing';
import { ErrorKind, RunError, errorForHttpStatus, isAbort, isTransient } from '../../src/core/errors.js';

describe('errors', () => {
  describe('errorForHttpStatus', () => {
    it('maps 400 and 401 to unauthorized, saying the API key was not accepted', () => {
      for (const status of [400, 401]) {
        const error = errorForHttpStatus(status, 'trigger');
        expect(error).to.be.instanceOf(RunError);
        expect(error.kind).to.equal('unauthorized');
        expect(error.httpStatus).to.equal(status);
        expect(error.message).to.contain('API key');
        expect(error.message).to.contain(`HTTP ${status}`);
      }
    });

    it('maps 403 to forbidden, saying the API key’s role lacks permission', () => {
      const error = errorForHttpStatus(403, 'trigger');
      expect(error.kind).to.equal('forbidden');
      expect(error.httpStatus).to.equal(403);
      expect(error.message).to.contain("the API key's role lacks permission to run this rule");
    });

    it('maps 404 to not-found, pointing at rule-id for the trigger and execution-id for a check', () => {
      const trigger = errorForHttpStatus(404, 'trigger');
      const status = errorForHttpStatus(404, 'status');
      expect(trigger.kind).to.equal('not-found');
      expect(status.kind).to.equal('not-found');
      expect(trigger.httpStatus).to.equal(404);
      expect(trigger.message).to.contain('rule-id');
      expect(status.message).to.contain('execution-id');
    });

    it('maps 429 to rate-limited and carries the Retry-After wait', () => {
      const error = errorForHttpStatus(429, 'status', 7000);
      expect(error.kind).to.equal('rate-limited');
      expect(error.httpStatus).to.equal(429);
      expect(error.retryAfterMs).to.equal(7000);
      expect(errorForHttpStatus(429, 'status').retryAfterMs).to.equal(undefined);
    });

    it('maps 5xx and 408 to network, carrying the status and Retry-After', () => {
      for (const status of [500, 502, 503, 504, 408]) {
        const error = errorForHttpStatus(status, 'status', 2000);
        expect(error.kind, String(status)).to.equal('network');
        expect(error.httpStatus).to.equal(status);
        expect(error.retryAfterMs).to.equal(2000);
      }
    });

    it('warns on a 5xx trigger that the rule may have started anyway', () => {
      expect(errorForHttpStatus(503, 'trigger').message).to.contain('may have started');
      expect(errorForHttpStatus(503, 'status').message).not.to.contain('may have started');
    });

    it('maps any other 4xx to invalid-response', () => {
      for (const status of [402, 405, 409, 410, 415, 422]) {
        const error = errorForHttpStatus(status, 'trigger');
        expect(error.kind, String(status)).to.equal('invalid-response');
        expect(error.httpStatus).to.equal(status);
      }
    });

    it('says which request failed', () => {
      expect(errorForHttpStatus(403, 'trigger').message).to.match(/^Loome refused to start the rule \(HTTP 403\)/);
      expect(errorForHttpStatus(403, 'status').message).to.match(/^Loome refused to report the run’s status \(HTTP 403\)/);
    });
  });

  describe('RunError', () => {
    it('is an Error named RunError with its kind, status and Retry-After', () => {
      const error = new RunError(ErrorKind.rateLimited, 'slow down', 429, 1000);
      expect(error).to.be.instanceOf(Error);
      expect(error.name).to.equal('RunError');
      expect(error).to.include({ kind: 'rate-limited', message: 'slow down', httpStatus: 429, retryAfterMs: 1000 });
    });

    it('lists exactly the kinds the contract names', () => {
      expect(Object.values(ErrorKind).sort()).to.deep.equal(
        ['config', 'forbidden', 'invalid-response', 'network', 'not-found', 'rate-limited', 'timeout', 'token', 'unauthorized'].sort(),
      );
    });
  });

  describe('isTransient', () => {
    it('is true only for network and rate-limited errors', () => {
      for (const kind of Object.values(ErrorKind)) {
        expect(isTransient(new RunError(kind, 'x')), kind).to.equal(kind === 'network' || kind === 'rate-limited');
      }
    });
  });

  describe('isAbort', () => {
    it('recognises an AbortError and any error once the signal is aborted', () => {
      const controller = new AbortController();
      expect(isAbort(new DOMException('stop', 'AbortError'))).to.equal(true);
      expect(isAbort(new TypeError('Failed to fetch'), controller.signal)).to.equal(false);
      controller.abort();
      expect(isAbort(new TypeError('Failed to fetch'), controller.signal)).to.equal(true);
      expect(isAbort(new DOMException('t', 'TimeoutError'))).to.equal(false);
    });
  });
});
