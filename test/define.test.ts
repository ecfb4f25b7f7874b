import { expect } from '@open-wc/testing';
import { LoomeRuleRunner } from '../src/define.js';

describe('registering the tag', () => {
  it('registers <loome-rule-runner> with the LoomeRuleRunner class', () => {
    expect(customElements.get('loome-rule-runner')).to.equal(LoomeRuleRunner);
    expect(document.createElement('loome-rule-runner')).to.be.instanceOf(LoomeRuleRunner);
  });

  it('leaves the tag alone when another copy of the drop-in file loads later', async () => {
    // A different URL is a different module instance: the second copy runs its define step too.
    const copy = '/dist/loome-rule-runner.js?second-copy';
    const module = (await import(/* @vite-ignore */ copy)) as { LoomeRuleRunner: CustomElementConstructor };
    expect(module.LoomeRuleRunner).to.not.equal(LoomeRuleRunner);
    expect(customElements.get('loome-rule-runner')).to.equal(LoomeRuleRunner);
  });
});
