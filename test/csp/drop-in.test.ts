import { expect, oneEvent } from '@open-wc/testing';
import type { LoomeRuleRunner } from '../../src/loome-rule-runner.js';

/**
 * The drop-in file (dist/loome-rule-runner.js, built by `npm run build`) in a
 * plain page served with the strict policy from the contract, talking to the
 * mock of Loome over real HTTP.
 */
type PageRecord = Window & { cspViolations: string[]; pageErrors: string[] };

describe('dist/loome-rule-runner.js under a strict CSP with Trusted Types', () => {
  let frame: HTMLIFrameElement;

  async function loadPage(): Promise<PageRecord> {
    frame = document.createElement('iframe');
    frame.src = '/test/csp/page.html';
    const loaded = oneEvent(frame, 'load');
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as PageRecord;
    await win.customElements.whenDefined('loome-rule-runner');
    return win;
  }

  afterEach(() => frame.remove());

  it('runs a rule to the end with no CSP violation reported', async () => {
    const win = await loadPage();
    const el = win.document.querySelector('loome-rule-runner') as LoomeRuleRunner;
    await el.updateComplete;
    const complete = oneEvent(el, 'loome-rule-complete');
    el.shadowRoot!.querySelector('button')!.click();
    const { detail } = await complete;

    expect(detail.outcome).to.equal('success');
    expect(el.getAttribute('state')).to.equal('succeeded');
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('Succeeded');
    expect(win.cspViolations).to.deep.equal([]);
    expect(win.pageErrors).to.deep.equal([]);
  });

  it('is served with the strict policy, so a violation would be caught', async () => {
    const win = await loadPage();
    const blocked = new Promise<SecurityPolicyViolationEvent>((resolve) =>
      win.document.addEventListener('securitypolicyviolation', resolve, { once: true }),
    );
    // An inline style is what 'style-src self' forbids; this proves the listener and the header work.
    win.document.body.setAttribute('style', 'color: red');
    const event = await blocked;
    expect(event.violatedDirective).to.match(/^style-src/);
  });

  it('is harmless when a portal includes the file twice', async () => {
    const win = await loadPage();
    const scripts = win.document.querySelectorAll('script[src*="loome-rule-runner.js"]');
    expect(scripts.length).to.equal(2);
    expect(win.customElements.get('loome-rule-runner')).to.be.a('function');
    expect(win.cspViolations).to.deep.equal([]);
  });
});
