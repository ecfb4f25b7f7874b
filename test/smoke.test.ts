import { expect, fixture, html } from '@open-wc/testing';
import '../src/define.js';
import type { LoomeRuleRunner } from '../src/loome-rule-runner.js';

describe('smoke', () => {
  it('renders idle', async () => {
    const el = await fixture<LoomeRuleRunner>(html`<loome-rule-runner rule-id="1"></loome-rule-runner>`);
    expect(el.getAttribute('state')).to.equal('idle');
  });
});
