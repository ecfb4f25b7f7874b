/**
 * Accessibility: axe on the shadow DOM in each kind of state, the live status
 * region, the progress bar, real keyboard input (web-test-runner's sendKeys
 * drives Chromium's own input pipeline) and prefers-reduced-motion.
 * `fetch` is a scriptable fake (FakeLoome); time is real (axe needs it).
 */
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import '../../src/define.js';
import { FakeLoome, buttonOf, fakeRunner, jsonResponse, markup, messageOf, progressOf, shadow } from './helpers.js';

describe('loome-rule-runner accessibility', () => {
  const sandbox = sinon.createSandbox();
  let fake: FakeLoome;

  beforeEach(() => {
    sessionStorage.clear();
    fake = new FakeLoome(sandbox);
  });

  afterEach(() => {
    sandbox.restore();
    sessionStorage.clear();
  });

  it('passes axe when idle', async () => {
    const el = await fakeRunner();
    await expect(el).shadowDom.to.be.accessible();
  });

  it('passes axe while a run is in flight, with its progress bar', async () => {
    const el = await fakeRunner();
    const held = fake.hold('execution');
    const done = el.run();
    await fake.waitForCalls('execution', 1);
    await el.updateComplete;
    expect(progressOf(el)).not.to.equal(null);
    await expect(el).shadowDom.to.be.accessible();
    held.release();
    await done;
  });

  it('passes axe after a failure and after an error, with their messages', async () => {
    fake.steps = [{ status: 'Failure', message: 'Row count check failed' }];
    const el = await fakeRunner();
    await el.run();
    await el.updateComplete;
    expect(messageOf(el)).not.to.equal(null);
    await expect(el).shadowDom.to.be.accessible();

    fake.executeReplies = [() => jsonResponse(403, { message: 'Forbidden' })];
    await el.run();
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('error');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('announces the state and the message through one polite status region', async () => {
    fake.steps = [{ status: 'Failure', message: 'Row count check failed' }];
    const el = await fakeRunner();
    const region = shadow(el).querySelector('[role="status"]');
    expect(region, 'a role=status region').not.to.equal(null);
    expect(region!.getAttribute('aria-live')).to.equal('polite');
    expect(region!.querySelector('[part="status"]')?.textContent).to.contain('Ready');

    await el.run();
    await el.updateComplete;
    // The region element is the same one (a live region must exist before its content changes).
    expect(shadow(el).querySelector('[role="status"]') === region).to.equal(true);
    expect(region!.textContent).to.contain('Failed').and.to.contain('Row count check failed');
  });

  it('keeps the ticking elapsed time out of the announcements', async () => {
    const el = await fakeRunner();
    const held = fake.hold('execution');
    const done = el.run();
    await fake.waitForCalls('execution', 1);
    await el.updateComplete;
    const elapsed = shadow(el).querySelector('.elapsed');
    expect(elapsed?.textContent).to.match(/^\d+:\d\d elapsed$/);
    expect(elapsed?.getAttribute('aria-hidden')).to.equal('true');
    held.release();
    await done;
  });

  it('shows a named progressbar only while a run is in flight', async () => {
    const el = await fakeRunner();
    expect(markup(shadow(el).querySelector('[role="progressbar"]'))).to.equal(null);
    const held = fake.hold('token');
    const done = el.run();
    await fake.waitForCalls('token', 1);
    await el.updateComplete;
    const bar = shadow(el).querySelector('[role="progressbar"]');
    expect(bar?.getAttribute('part')).to.equal('progress');
    expect(bar?.getAttribute('aria-label')).to.equal('Rule in progress');
    held.release();
    await done;
    await el.updateComplete;
    expect(markup(shadow(el).querySelector('[role="progressbar"]'))).to.equal(null);
  });

  it('is reached with Tab and started with Enter, as a native button', async () => {
    const el = await fakeRunner();
    const button = buttonOf(el);
    expect(button.tagName).to.equal('BUTTON');
    expect(button.type).to.equal('button');

    await sendKeys({ press: 'Tab' });
    expect(shadow(el).activeElement === button, 'Tab lands on the button').to.equal(true);
    const done = new Promise<void>((resolve) => el.addEventListener('loome-rule-complete', () => resolve(), { once: true }));
    await sendKeys({ press: 'Enter' });
    await done;
    expect(fake.count('execute')).to.equal(1);
  });

  it('is started with Space too', async () => {
    const el = await fakeRunner();
    buttonOf(el).focus();
    const done = new Promise<void>((resolve) => el.addEventListener('loome-rule-complete', () => resolve(), { once: true }));
    await sendKeys({ press: ' ' }); // ' ' rather than 'Space': the name Firefox's WebDriver BiDi input also knows
    await done;
    expect(fake.count('execute')).to.equal(1);
  });

  it('takes no keyboard focus and starts nothing when disabled', async () => {
    const before = await fixture(html`<button>before</button>`);
    const el = await fakeRunner({ disabled: '' });
    (before as HTMLButtonElement).focus();
    await sendKeys({ press: 'Tab' });
    expect(markup(shadow(el).activeElement), 'the disabled button is skipped').to.equal(null);
    buttonOf(el).focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(fake.calls).to.have.length(0);
    expect(el.getAttribute('state')).to.equal('idle');
  });

  it('stops the progress animation when the user prefers reduced motion', async function () {
    // emulateMedia needs the Chrome DevTools Protocol; Firefox is driven over WebDriver BiDi.
    if (navigator.userAgent.includes('Firefox')) this.skip();
    const el = await fakeRunner();
    const held = fake.hold('token');
    const done = el.run();
    await fake.waitForCalls('token', 1);
    await el.updateComplete;
    const bar = progressOf(el)!;
    expect(getComputedStyle(bar, '::after').animationName).to.equal('indeterminate');
    try {
      await emulateMedia({ reducedMotion: 'reduce' });
      expect(getComputedStyle(bar, '::after').animationName).to.equal('none');
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
    held.release();
    await done;
  });
});
