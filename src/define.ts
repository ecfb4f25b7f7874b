import { LoomeRuleRunner } from './loome-rule-runner.js';

export const tagName = 'loome-rule-runner';

// A portal may load the script twice (two bundles, a stray tag); defining the tag again would throw.
if (!customElements.get(tagName)) customElements.define(tagName, LoomeRuleRunner);

declare global {
  interface HTMLElementTagNameMap {
    'loome-rule-runner': LoomeRuleRunner;
  }
}

export { LoomeRuleRunner };
