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

  it('types the tag and every event detail for host code', () => {
    // Compile-time as much as run-time: without the HTMLElementTagNameMap and
    // HTMLElementEventMap augmentations, `npm run typecheck` fails on these lines.
    const el = document.createElement('loome-rule-runner');
    const seen: number[] = [];
    el.addEventListener('loome-rule-triggered', (event) => seen.push(event.detail.executionId));
    el.addEventListener('loome-rule-complete', (event) => seen.push(event.detail.outcome === 'success' ? 1 : 0));
    el.dispatchEvent(new CustomEvent('loome-rule-triggered', { detail: { ruleId: 1, executionId: 7 } }));
    el.dispatchEvent(new CustomEvent('loome-rule-complete', { detail: { ruleId: 1, executionId: 7, outcome: 'success' } }));
    expect(seen).to.deep.equal([7, 1]);
    expect(el.ruleId).to.equal(undefined);
  });
});
