/**
 * Following an execution over real HTTP against the mock: status checks that
 * fail for a while, Retry-After, and the timeout (network when the last check
 * failed, timeout when the checks worked but the run never ended).
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { LoomeRuleRunner } from '../../src/loome-rule-runner.js';
import {
  type EventRecorder,
  logLines,
  messageOf,
  mockLog,
  shadow,
  statusTextOf,
  markup,
  TOKEN_LINE as TOKEN,
  executeLine as execute,
  checkLine as check,
  mockRunner,
  useRealHttpSuite,
} from './helpers.js';

describe('loome-rule-runner over real HTTP: following', () => {
  const suite = useRealHttpSuite();
  let recorder: EventRecorder | undefined;

  async function runner(ruleId: number, timeout?: number): Promise<LoomeRuleRunner> {
    const el = await mockRunner(ruleId, { id: 'following-runner', timeout: timeout === undefined ? null : String(timeout) });
    recorder = suite.record(el);
    return el;
  }

  /** What the element shows after each render: is it saying it is retrying, and in which state. */
  function watchRetrying(el: LoomeRuleRunner): { seen: Array<{ state: string | null; status: string; message: string }>; stop(): void } {
    const seen: Array<{ state: string | null; status: string; message: string }> = [];
    const observer = new MutationObserver(() => {
      if (shadow(el).querySelector('.retrying')) {
        seen.push({ state: el.getAttribute('state'), status: statusTextOf(el), message: messageOf(el)?.textContent ?? '' });
      }
    });
    observer.observe(shadow(el), { childList: true, subtree: true, characterData: true });
    return { seen, stop: () => observer.disconnect() };
  }


  it('keeps following through two 503s, saying it is retrying meanwhile, and succeeds (rule 10)', async () => {
    const el = await runner(10);
    const retrying = watchRetrying(el);

    const outcome = await el.run();
    await el.updateComplete;
    retrying.stop();

    expect(outcome.outcome).to.equal('success');
    expect(el.getAttribute('state')).to.equal('succeeded');
    expect(recorder!.details('loome-rule-error')).to.have.length(0);
    // While retrying the run is still `running`, and the UI says so, with the reason.
    expect(retrying.seen.length, 'the retrying notice was shown').to.be.greaterThan(0);
    expect(retrying.seen.every((s) => s.state === 'running')).to.equal(true);
    expect(retrying.seen[0]!.message).to.contain('503');
    expect(retrying.seen[0]!.status).to.contain('Running').and.to.contain('Connection problem, retrying…');
    // Once a check works again, the notice is gone.
    expect(markup(shadow(el).querySelector('.retrying'))).to.equal(null);
    const executionId = outcome.executionId!;
    expect(logLines(await mockLog())).to.deep.equal([
      TOKEN,
      execute(10, 200),
      check(executionId, 503),
      check(executionId, 503),
      check(executionId, 200),
      check(executionId, 200),
    ]);
  });

  it('waits for Retry-After when a status check answers 429, then carries on (rule 20)', async () => {
    const el = await runner(20);
    let triggeredAt = 0;
    let finishedAt = 0;
    el.addEventListener('loome-rule-triggered', () => (triggeredAt = performance.now()));
    el.addEventListener('loome-rule-success', () => (finishedAt = performance.now()));

    const outcome = await el.run();

    expect(outcome.outcome).to.equal('success');
    expect(finishedAt - triggeredAt, 'honoured Retry-After: 2').to.be.at.least(1900);
    const executionId = outcome.executionId!;
    expect(logLines(await mockLog()).filter((line) => line.startsWith('GET'))).to.deep.equal([
      check(executionId, 429),
      check(executionId, 200),
    ]);
  });

  it('gives up with a network error after timeout when every check fails, keeping the execution ID (rule 15, timeout=3)', async () => {
    const el = await runner(15, 3);
    const startedAt = performance.now();

    const outcome = await el.run();
    const elapsed = performance.now() - startedAt;
    await el.updateComplete;

    expect(elapsed).to.be.within(2900, 6000);
    expect(el.getAttribute('state')).to.equal('error');
    const executionId = recorder!.details('loome-rule-triggered')[0]!.executionId;
    const [error] = recorder!.details('loome-rule-error');
    expect(error).to.include({ ruleId: 15, executionId, kind: 'network', httpStatus: 503 });
    expect(error!.message).to.contain(`execution ${executionId}`);
    expect(recorder!.details('loome-rule-complete')).to.deep.equal([{ ruleId: 15, executionId, outcome: 'error' }]);
    expect(outcome).to.include({ outcome: 'error', kind: 'network', executionId });
    expect(el.getAttribute('execution-id')).to.equal(String(executionId));
    expect(statusTextOf(el)).to.contain(`Execution ${executionId}`);
    // Following might work later, so the ID stays for a reload to resume.
    expect(sessionStorage.getItem(`loome-rule-runner:${location.pathname}#following-runner:15`)).to.equal(String(executionId));
    const checks = logLines(await mockLog()).filter((line) => line.startsWith('GET'));
    expect(checks.length).to.be.at.least(3);
    expect(checks.every((line) => line === check(executionId, 503))).to.equal(true);
  });

  it('gives up with a timeout error when the checks work but the run never ends (rule 16, timeout=2)', async () => {
    const el = await runner(16, 2);
    const startedAt = performance.now();

    const outcome = await el.run();
    const elapsed = performance.now() - startedAt;

    expect(elapsed).to.be.within(1900, 5000);
    expect(el.getAttribute('state')).to.equal('error');
    const executionId = recorder!.details('loome-rule-triggered')[0]!.executionId;
    const [error] = recorder!.details('loome-rule-error');
    expect(error).to.include({ ruleId: 16, executionId, kind: 'timeout' });
    expect(error).not.to.have.property('httpStatus');
    expect(error!.message).to.contain('Running');
    expect(outcome).to.include({ outcome: 'error', kind: 'timeout', executionId });
    expect(el.getAttribute('execution-id')).to.equal(String(executionId));
    expect(recorder!.types()).to.deep.equal([
      'loome-rule-start',
      'loome-rule-triggered',
      'loome-rule-status',
      'loome-rule-error',
      'loome-rule-complete',
    ]);
  });
});
