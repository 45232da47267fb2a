import type { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/types.js';
import { SUPPRESSIONS, type Suppression } from '../suppressions.js';
import { checkResource, checkStack, readsGraph, type ContextLoader } from './runner.js';

/** CrossGuard's severities are ours plus `critical`; every rule keeps its own. */
const SEVERITY = { high: 'high', medium: 'medium', low: 'low' } as const;

export interface PackOptions {
  readonly rules?: readonly Rule[];
  readonly suppressions?: readonly Suppression[];
  /** The other layers' resources (the offline plans): what cross-stack rules relate to. */
  readonly context: ContextLoader;
}

/**
 * One CrossGuard policy per rule, named by its id and `mandatory`, so any unsuppressed finding
 * stops the deploy. A rule that reads only its resource is a resource policy (checked on the
 * inputs before the resource is created or changed); a rule that relates resources is a stack
 * policy (checked on the whole stack at the end of the preview, which `pulumi up` runs first).
 */
export function buildPolicies({ rules = RULES, suppressions = SUPPRESSIONS, context }: PackOptions): (ResourceValidationPolicy | StackValidationPolicy)[] {
  return rules.map((rule) => {
    const base = {
      name: rule.id,
      description: rule.description,
      enforcementLevel: 'mandatory' as const,
      severity: SEVERITY[rule.severity],
      tags: [...rule.mirrors],
    };
    const report = (reportViolation: ReportViolation, stack: boolean) => (v: { message: string; urn: string }) =>
      stack ? reportViolation(v.message, v.urn) : reportViolation(v.message);
    if (!readsGraph(rule)) {
      return {
        ...base,
        validateResource: (args, reportViolation) => {
          checkResource(rule, { type: args.type, name: args.name, urn: args.urn, props: args.props, parentUrn: args.opts.parent }, suppressions).forEach(report(reportViolation, false));
        },
      } satisfies ResourceValidationPolicy;
    }
    return {
      ...base,
      validateStack: (args, reportViolation) => {
        const live = args.resources.map((r) => ({
          type: r.type,
          name: r.name,
          urn: r.urn,
          props: r.props,
          parentUrn: r.parent?.urn,
          propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
        }));
        checkStack(rule, live, suppressions, context).forEach(report(reportViolation, true));
      },
    } satisfies StackValidationPolicy;
  });
}
