/**
 * The element against the mock of Loome over real HTTP (no stubs): triggering,
 * following and the ways a run ends. Real time, so only fast rules, with the
 * shortest poll interval the contract allows (1 s).
 */
import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { LoomeRuleRunner } from '../../src/loome-rule-runner.js';
import {
  type EventRecorder,
  MOCK_API_BASE,
  MOCK_TOKEN_ENDPOINT,
  buttonOf,
  logLines,
  messageOf,
  mockLog,
  recordStates,
  resetMockExecuteCounts,
  resetMockLog,
  shadow,
  statusTextOf,
  markup,
  TOKEN_LINE as TOKEN,
  executeLine as execute,
  checkLine as check,
  mockRunner,
  useRealHttpSuite,
} from './helpers.js';

describe('loome-rule-runner over real HTTP: running a rule', () => {
  const suite = useRealHttpSuite();
  let recorder: EventRecorder | undefined;

  async function runner(ruleId: number): Promise<LoomeRuleRunner> {
    const el = await mockRunner(ruleId);
    recorder = suite.record(el);
    return el;
  }

  it('fires start, triggered, a status per change (Queued, Running), success and complete, in exactly that order', async () => {
    const el = await runner(1);
    await el.run();

    expect(recorder!.types()).to.deep.equal([
      'loome-rule-start',
      'loome-rule-triggered',
      'loome-rule-status',
      'loome-rule-status',
      'loome-rule-success',
      'loome-rule-complete',
    ]);
    const executionId = recorder!.details('loome-rule-triggered')[0]!.executionId;
    expect(recorder!.details('loome-rule-status').map((d) => [d.executionId, d.status])).to.deep.equal([
      [executionId, 'Queued'],
      [executionId, 'Running'],
    ]);
  });

  it('runs rule 1 to succeeded through every in-flight state, setting execution-id to the returned ID', async () => {
    const el = await runner(1);
    const states = recordStates(el);

    const outcome = await el.run();
    await el.updateComplete;
    states.stop();

    expect(el.getAttribute('state')).to.equal('succeeded');
    expect(states.values).to.deep.equal(['idle', 'authorizing', 'starting', 'running', 'succeeded']);
    const [triggered] = recorder!.details('loome-rule-triggered');
    const executionId = triggered!.executionId;
    expect(executionId).to.be.a('number').and.to.be.greaterThan(0);
    expect(triggered).to.deep.equal({ ruleId: 1, executionId });
    expect(recorder!.details('loome-rule-start')).to.deep.equal([{ ruleId: 1 }]);
    // Four checks answer Queued, Running, Running, Success: the repeated Running fires nothing.
    expect(recorder!.details('loome-rule-status').filter((d) => d.status === 'Running')).to.have.length(1);
    const [success] = recorder!.details('loome-rule-success');
    expect(success).to.include({ ruleId: 1, executionId, status: 'Success', message: 'Rule completed: no issues found' });
    expect(success!.durationMs).to.be.a('number').and.to.be.at.least(0);
    expect(recorder!.details('loome-rule-complete')).to.deep.equal([{ ruleId: 1, executionId, outcome: 'success' }]);
    expect(recorder!.types().at(-1)).to.equal('loome-rule-complete');
    expect(outcome).to.include({ outcome: 'success', ruleId: 1, executionId, status: 'Success' });

    expect(el.getAttribute('execution-id')).to.equal(String(executionId));
    expect(el.executionId).to.equal(executionId);
    expect(statusTextOf(el)).to.contain('Succeeded').and.to.contain(`Execution ${executionId}`);
    expect(messageOf(el)?.textContent).to.equal('Rule completed: no issues found');

    expect(logLines(await mockLog())).to.deep.equal([
      TOKEN,
      execute(1, 200),
      check(executionId, 200),
      check(executionId, 200),
      check(executionId, 200),
      check(executionId, 200),
    ]);
  });

  it('sends the bearer token on the trigger and on every status check', async () => {
    const el = await runner(6);
    await el.run();
    const apiCalls = (await mockLog()).filter((entry) => entry.path.startsWith(MOCK_API_BASE));
    expect(apiCalls).to.have.length(2);
    expect(apiCalls.every((entry) => entry.bearer)).to.equal(true);
    // The host's token endpoint authenticates the person by cookie, never by a bearer token.
    expect((await mockLog()).find((entry) => entry.path === MOCK_TOKEN_ENDPOINT)?.bearer).to.equal(false);
  });

  it("emits loome-rule-failure with the server's message when the rule fails, and shows it as text", async () => {
    const el = await runner(2);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('failed');
    // (The final status fires no loome-rule-status: the rule 1 test pins that down.)
    expect(recorder!.types().filter((type) => type !== 'loome-rule-status')).to.deep.equal([
      'loome-rule-start',
      'loome-rule-triggered',
      'loome-rule-failure',
      'loome-rule-complete',
    ]);
    expect(recorder!.details('loome-rule-status').slice(0, 2).map((d) => d.status)).to.deep.equal(['Queued', 'Running']);
    const serverMessage = 'Row count check failed: 3 rows in dbo.Orders have no customer';
    const [failure] = recorder!.details('loome-rule-failure');
    expect(failure).to.include({ ruleId: 2, status: 'Failure', message: serverMessage });
    expect(recorder!.details('loome-rule-complete')[0]?.outcome).to.equal('failure');
    expect(outcome).to.include({ outcome: 'failure', message: serverMessage });
    expect(messageOf(el)?.textContent).to.equal(serverMessage);
    expect(statusTextOf(el)).to.contain('Failed');
  });

  it('ends in cancelled, with loome-rule-failure and complete outcome cancelled, when the rule is cancelled', async () => {
    const el = await runner(3);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('cancelled');
    const [failure] = recorder!.details('loome-rule-failure');
    expect(failure).to.include({ ruleId: 3, status: 'Cancelled', message: 'Cancelled by an administrator' });
    expect(recorder!.details('loome-rule-success')).to.have.length(0);
    expect(recorder!.details('loome-rule-complete')).to.have.length(1);
    expect(recorder!.details('loome-rule-complete')[0]?.outcome).to.equal('cancelled');
    expect(outcome.outcome).to.equal('cancelled');
    expect(statusTextOf(el)).to.contain('Cancelled');
  });

  it('reports a 403 on the trigger as a forbidden error that explains the missing permission', async () => {
    const el = await runner(4);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('error');
    expect(recorder!.types()).to.deep.equal(['loome-rule-start', 'loome-rule-error', 'loome-rule-complete']);
    const [error] = recorder!.details('loome-rule-error');
    expect(error).to.include({ ruleId: 4, kind: 'forbidden', httpStatus: 403 });
    expect(error!.message).to.match(/permission/i);
    expect(error).not.to.have.property('executionId');
    expect(recorder!.details('loome-rule-complete')).to.deep.equal([{ ruleId: 4, outcome: 'error' }]);
    expect(outcome).to.include({ outcome: 'error', kind: 'forbidden', httpStatus: 403 });
    expect(messageOf(el)?.textContent).to.equal(error!.message);
    expect(el.hasAttribute('execution-id')).to.equal(false);
  });

  it('understands camelCase fields and lowercase statuses (rule 7) and reports them as the server wrote them', async () => {
    const el = await runner(7);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('succeeded');
    expect(recorder!.details('loome-rule-status')[0]?.status).to.equal('running');
    expect(statusTextOf(el)).to.contain('Succeeded');
    expect(recorder!.details('loome-rule-success')[0]).to.include({ status: 'success', message: 'ok' });
    expect(outcome.outcome).to.equal('success');
  });

  it('never retries the trigger after a 500 (the rule may already be running) and ends in a network error', async () => {
    const el = await runner(8);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('error');
    const [error] = recorder!.details('loome-rule-error');
    expect(error).to.include({ kind: 'network', httpStatus: 500 });
    expect(error!.message).to.match(/may have started/);
    expect(outcome.outcome).to.equal('error');
    // Exactly one execute and no status checks.
    expect(logLines(await mockLog())).to.deep.equal([TOKEN, execute(8, 500)]);
  });

  it('retries the trigger after a 429 once Retry-After has passed, and then succeeds', async () => {
    // Rule 9 answers 429 to its first execute since the counts were reset.
    await resetMockExecuteCounts();
    const el = await runner(9);
    const startedAt = performance.now();
    let triggeredAt = 0;
    el.addEventListener('loome-rule-triggered', () => (triggeredAt = performance.now()));
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('succeeded');
    expect(outcome.outcome).to.equal('success');
    expect(recorder!.details('loome-rule-triggered')).to.have.length(1);
    expect(recorder!.details('loome-rule-error')).to.have.length(0);
    const executes = logLines(await mockLog()).filter((line) => line.includes('/execute'));
    expect(executes).to.deep.equal([execute(9, 429), execute(9, 200)]);
    expect(triggeredAt - startedAt, 'waited for Retry-After: 1').to.be.at.least(950);
  });

  it('ends in invalid-response when the trigger answers an HTML page instead of JSON', async () => {
    const el = await runner(11);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('error');
    const [error] = recorder!.details('loome-rule-error');
    expect(error!.kind).to.equal('invalid-response');
    expect(error!.message).to.match(/HTML/);
    expect(outcome.kind).to.equal('invalid-response');
    expect(el.hasAttribute('execution-id')).to.equal(false);
    expect(logLines(await mockLog())).to.deep.equal([TOKEN, execute(11, 200)]);
    // The HTML page is not rendered into the element.
    expect(markup(shadow(el).querySelector('h1'))).to.equal(null);
  });

  it('ends in invalid-response when the trigger answer has no valid ruleExecutionId', async () => {
    const el = await runner(12);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('error');
    expect(recorder!.details('loome-rule-error')[0]?.kind).to.equal('invalid-response');
    expect(recorder!.details('loome-rule-error')[0]?.message).to.match(/ruleExecutionId/);
    expect(outcome.kind).to.equal('invalid-response');
    expect(el.hasAttribute('execution-id')).to.equal(false);
    expect(recorder!.details('loome-rule-complete')).to.deep.equal([{ ruleId: 12, outcome: 'error' }]);
  });

  it('ends in invalid-response when a status answer fails validation, keeping the execution ID', async () => {
    const el = await runner(14);
    const outcome = await el.run();

    expect(el.getAttribute('state')).to.equal('error');
    const executionId = recorder!.details('loome-rule-triggered')[0]!.executionId;
    const [error] = recorder!.details('loome-rule-error');
    expect(error).to.include({ ruleId: 14, executionId, kind: 'invalid-response' });
    expect(recorder!.details('loome-rule-complete')).to.deep.equal([{ ruleId: 14, executionId, outcome: 'error' }]);
    expect(outcome).to.include({ executionId, kind: 'invalid-response' });
    expect(el.getAttribute('execution-id')).to.equal(String(executionId));
    expect(statusTextOf(el)).to.contain(`Execution ${executionId}`);
    // Invalid answers are not transient: one check, no retries.
    expect(logLines(await mockLog()).filter((line) => line.startsWith('GET'))).to.deep.equal([check(executionId, 200)]);
  });

  it('renders a failure message that contains markup as text, not as elements', async () => {
    const el = await runner(19);
    await el.run();

    const serverMessage = '<img src=x onerror="alert(1)"><b>bold</b>';
    expect(el.getAttribute('state')).to.equal('failed');
    expect(recorder!.details('loome-rule-failure')[0]?.message).to.equal(serverMessage);
    expect(markup(shadow(el).querySelector('img'))).to.equal(null);
    expect(markup(shadow(el).querySelector('b'))).to.equal(null);
    expect(messageOf(el)?.textContent).to.equal(serverMessage);
    expect(messageOf(el)?.childElementCount).to.equal(0);
  });

  it('re-enables the button once the run has finished, so the rule can run again', async () => {
    const el = await runner(6);
    const first = el.run();
    await el.updateComplete;
    expect(buttonOf(el).disabled).to.equal(true);
    await first;
    await el.updateComplete;
    expect(buttonOf(el).disabled).to.equal(false);

    const second = await el.run();
    const ids = recorder!.details('loome-rule-triggered').map((d) => d.executionId);
    expect(ids).to.have.length(2);
    expect(ids[1]).to.not.equal(ids[0]);
    expect(second.executionId).to.equal(ids[1]);
    expect(el.getAttribute('execution-id')).to.equal(String(ids[1]));
    expect(recorder!.details('loome-rule-complete')).to.have.length(2);
  });

  it('follows an execution the host sets on execution-id without triggering a new one', async () => {
    // The host (not the element) triggers rule 6, then hands the element the execution ID.
    const token = ((await (await fetch(MOCK_TOKEN_ENDPOINT, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ruleId: 6 }),
    })).json()) as { access_token: string }).access_token;
    const answer = await fetch(`${MOCK_API_BASE}/rulesets/6/execute`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    const { ruleExecutionId } = (await answer.json()) as { ruleExecutionId: number };
    const el = await runner(6);
    await resetMockLog();

    const complete = new Promise<CustomEvent>((resolve) => el.addEventListener('loome-rule-complete', resolve, { once: true }));
    el.setAttribute('execution-id', String(ruleExecutionId));
    await complete;

    expect(el.getAttribute('state')).to.equal('succeeded');
    expect(recorder!.types()).to.deep.equal(['loome-rule-start', 'loome-rule-success', 'loome-rule-complete']);
    expect(recorder!.details('loome-rule-success')[0]?.executionId).to.equal(ruleExecutionId);
    expect(el.getAttribute('execution-id')).to.equal(String(ruleExecutionId));
    expect(logLines(await mockLog())).to.deep.equal([TOKEN, check(ruleExecutionId, 200)]);
  });
});
