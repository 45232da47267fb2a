import type { Environment, Layer } from '@tradai/infra-shared';
import type { PlanGraph } from '../plan/graph.js';
import type { LocatedResource } from '../plan/model.js';

/** How bad a violation is. Every unsuppressed violation fails the check; severity orders the fix list. */
export type Severity = 'high' | 'medium' | 'low';

/** What a check reports: the property at fault and a sentence naming it. */
export interface Finding {
  /** Input property (dot path) or related resource the finding is about. */
  readonly property: string;
  /** Sentence naming the property; the engine prefixes the resource. */
  readonly message: string;
}

export interface RuleContext {
  readonly env: Environment;
  readonly graph: PlanGraph;
}

export interface Rule {
  /** `TRADAI-<AREA>-<NNN>`. */
  readonly id: string;
  /** Rule ids of the public packs this rule mirrors (cdk-nag, Checkov, awsguard), or the seed/AWS guidance it encodes. */
  readonly mirrors: readonly string[];
  readonly severity: Severity;
  /** One line: what must hold. */
  readonly description: string;
  /** Resource types the check runs on. */
  readonly types: readonly string[];
  /** Environments the rule applies to; all when absent (env-aware rules, e.g. prod-only). */
  readonly environments?: readonly Environment[];
  readonly check: (resource: LocatedResource, ctx: RuleContext) => readonly Finding[];
}

/** One unsuppressed rule failure, as written to policy.json. */
export interface Violation {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly layer: Layer;
  readonly type: string;
  readonly name: string;
  readonly property: string;
  readonly message: string;
}

/** Shorthand for a finding. */
export const finding = (property: string, message: string): Finding => ({ property, message });
