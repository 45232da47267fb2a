import type { Environment, Layer } from '@tradai/infra-shared';
import { resourceLabel, type PlanGraph } from './plan/graph.js';
import { shortType } from './plan/model.js';
import { RULES } from './rules/index.js';
import type { Rule, Severity, Violation } from './rules/types.js';
import { SUPPRESSIONS, suppresses, type Suppression } from './suppressions.js';

/** A violation a suppression covers, with the suppression's reason. */
export interface SuppressedViolation extends Violation {
  readonly reason: string;
}

/** What dist/synth/<env>/policy.json holds. */
export interface PolicyReport {
  readonly environment: Environment;
  /** Rules in the library. */
  readonly rules: number;
  /** Rules that apply in this environment (env-aware rules may not). */
  readonly rulesApplied: number;
  /** Resources in the environment's plans. */
  readonly resources: number;
  readonly violations: readonly Violation[];
  readonly suppressed: readonly SuppressedViolation[];
  /** Suppressions that matched nothing here (candidates for removal, or environment-specific). */
  readonly unusedSuppressions: readonly { readonly ruleId: string; readonly name: string; readonly reason: string }[];
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/**
 * Runs every rule on every resource of its types in one environment's plans and splits the
 * findings into violations and suppressed ones.
 * @throws Error naming the rule and resource when a check itself fails (a rule bug, not a finding)
 */
export function evaluatePolicy(graph: PlanGraph, rules: readonly Rule[] = RULES, suppressions: readonly Suppression[] = SUPPRESSIONS): PolicyReport {
  const env = graph.environment;
  const ctx = { env, graph };
  const violations: Violation[] = [];
  const suppressed: SuppressedViolation[] = [];
  const used = new Set<Suppression>();
  const applied = rules.filter((rule) => !rule.environments || rule.environments.includes(env));

  for (const rule of applied) {
    for (const resource of graph.ofType(...rule.types)) {
      let findings;
      try {
        findings = rule.check(resource, ctx);
      } catch (err) {
        throw new Error(`rule ${rule.id} failed on ${resource.type} ${resource.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
      for (const f of findings) {
        const violation: Violation = {
          ruleId: rule.id,
          severity: rule.severity,
          layer: resource.layer as Layer,
          type: resource.type,
          name: resource.name,
          property: f.property,
          // The message names the resource and the property (prefixed when the finding's sentence does not).
          message: `${shortType(resource.type)} ${resourceLabel(resource)}: ${f.message.includes(f.property) ? f.message : `${f.property} ${f.message}`}`,
        };
        const s = suppressions.find((x) => suppresses(x, rule.id, env, resource));
        if (s) {
          used.add(s);
          suppressed.push({ ...violation, reason: s.reason });
        } else {
          violations.push(violation);
        }
      }
    }
  }
  const order = (a: Violation, b: Violation) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.ruleId.localeCompare(b.ruleId) || a.name.localeCompare(b.name);
  return {
    environment: env,
    rules: rules.length,
    rulesApplied: applied.length,
    resources: graph.resources.length,
    violations: violations.sort(order),
    suppressed: suppressed.sort(order),
    unusedSuppressions: suppressions
      .filter((s) => !used.has(s) && (!s.environments || s.environments.includes(env)))
      .map((s) => ({ ruleId: s.ruleId, name: s.name, reason: s.reason })),
  };
}
