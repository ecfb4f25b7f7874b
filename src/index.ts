/** The package entry: registers `<loome-rule-runner>` and exports its class, types and framework-free core. */
import './define.js';

export { LoomeRuleRunner, type RunOutcome } from './loome-rule-runner.js';
export type * from './events.js';
export { LOOME_RULE_EVENT_NAMES } from './events.js';
export { defaultStrings, type LoomeRuleRunnerStrings, type LoomeRuleRunnerStringsInput } from './strings.js';
export { ErrorKind, RunError } from './core/errors.js';
export { RunState, runRule, type RunResult, type RunHooks, type RunInput } from './core/run.js';
export { resolveConfig, REGION_API_BASES, type RunnerConfig, type RawConfig } from './core/config.js';
export { LoomeClient, type LoomeApi } from './core/client.js';
export { TokenCache, endpointTokenSource, type TokenProvider, type TokenProviderResult } from './core/tokens.js';
