import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS, LAYERS, type Environment, type Layer } from '@tradai/infra-shared';
import { PlanGraph, resourceLabel } from '../plan/graph.js';
import { locateResources, parsePlan, shortType, type EnvPlans, type LocatedResource } from '../plan/model.js';
import type { Rule, RuleContext } from '../rules/types.js';
import { suppresses, type Suppression } from '../suppressions.js';

/**
 * The second runner of the one rule library: the same `Rule.check` functions the offline policy
 * report runs on synthesized plans, run by Pulumi CrossGuard on what a real `preview`/`up`
 * registers. Everything here is pure over plain objects so it is tested without the Pulumi CLI;
 * `pack.ts` only adapts it to `@pulumi/policy`.
 */

/** Where a resource lives, read from its URN: `urn:pulumi:<stack>::<project>::<type path>::<name>`. */
export interface UrnParts {
  readonly stack: string;
  readonly project: string;
  readonly type: string;
  readonly name: string;
}

/** @throws Error naming the URN when it is not a Pulumi resource URN */
export function parseUrn(urn: string): UrnParts {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::([^]+?)::([^]*)$/.exec(urn);
  if (!m) throw new Error(`not a Pulumi resource URN: ${urn}`);
  // The type path holds every parent's type before `$`; the resource's own type is the last one.
  const typePath = m[3]!.split('$');
  return { stack: m[1]!, project: m[2]!, type: typePath[typePath.length - 1]!, name: m[4]! };
}

/** The TradAI stack a URN belongs to: project `tradai-<layer>`, stack name = environment. */
export function stackOf(urn: string): { readonly layer: Layer; readonly env: Environment } {
  const { stack, project } = parseUrn(urn);
  const layer = project.replace(/^tradai-/, '') as Layer;
  if (!project.startsWith('tradai-') || !LAYERS.includes(layer)) {
    throw new Error(`the TradAI policy pack checks the projects ${LAYERS.map((l) => `tradai-${l}`).join(', ')}; ${urn} is in project ${project}`);
  }
  // Stack names may be fully qualified (`org/project/dev`) in some URNs: the last segment is the environment.
  const env = stack.split('/').pop() as Environment;
  if (!ENVIRONMENTS.includes(env)) throw new Error(`stack ${stack} of ${project} is not an environment (${ENVIRONMENTS.join(', ')}): the rules are environment-aware`);
  return { layer, env };
}

/** `<type>::<name>` of a parent URN, as plans record parents; null for the root stack. */
export function parentKey(parentUrn: string | undefined): string | null {
  if (!parentUrn) return null;
  const { type, name } = parseUrn(parentUrn);
  return type === 'pulumi:pulumi:Stack' ? null : `${type}::${name}`;
}

/** A resource as CrossGuard hands it over: the subset of `@pulumi/policy`'s PolicyResource the runner reads. */
export interface LiveResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs (resource validation) or outputs (stack validation), behind Pulumi's unknown-checking proxy. */
  readonly props: Record<string, unknown>;
  readonly parentUrn?: string;
  /** Stack validation: for each top-level property, the URNs of the resources its value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** The plan-shaped view of a live resource, which is what every rule reads. */
export function toLocated(r: LiveResource): LocatedResource {
  return { type: r.type, name: r.name, inputs: r.props, parent: parentKey(r.parentUrn), layer: stackOf(r.urn).layer };
}

/**
 * Whether a rule reads other resources (the plan graph), found by calling it once with a context
 * whose `graph` records the access. Rules take `(resource, { graph })`, which reads `graph` at
 * call time whatever the resource holds; a rule that reads it later anyway is caught by
 * `localContext`, which throws.
 */
export function readsGraph(rule: Rule): boolean {
  let read = false;
  const probe = { env: 'dev' as Environment } as RuleContext;
  Object.defineProperty(probe, 'graph', {
    get() {
      read = true;
      throw new GraphReadError(rule.id);
    },
  });
  try {
    rule.check({ type: rule.types[0]!, name: 'probe', inputs: {}, parent: null, layer: 'persistent' }, probe);
  } catch {
    // An empty resource may make a check throw; only whether it reached for the graph matters.
  }
  return read;
}

class GraphReadError extends Error {
  constructor(ruleId: string) {
    super(`rule ${ruleId} reads other resources of the plan; it must run as a stack policy, not a resource policy`);
    this.name = 'GraphReadError';
  }
}

/** The context a resource-local rule gets: the environment, and a `graph` that refuses to be read. */
function localContext(rule: Rule, env: Environment): RuleContext {
  const ctx = { env } as RuleContext;
  Object.defineProperty(ctx, 'graph', {
    get() {
      throw new GraphReadError(rule.id);
    },
  });
  return ctx;
}

/** One finding as CrossGuard reports it: the offline report's message, on the resource at fault. */
export interface PackViolation {
  readonly ruleId: string;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly property: string;
  readonly message: string;
}

/** The offline engine's message for a finding: resource kind and label, then the sentence naming the property. */
const messageOf = (r: LocatedResource, f: { property: string; message: string }) =>
  `${shortType(r.type)} ${resourceLabel(r)}: ${f.message.includes(f.property) ? f.message : `${f.property} ${f.message}`}`;

const applies = (rule: Rule, env: Environment) => !rule.environments || rule.environments.includes(env);

/**
 * A resource-local rule on one resource's inputs (CrossGuard's `validateResource`, which runs
 * before the resource's create/update, so a mandatory violation stops the change).
 * Errors from the check (Pulumi's UnknownValueError during preview included) propagate unchanged:
 * CrossGuard reports an unknown value as "can't run during preview" and checks again at update.
 */
export function checkResource(rule: Rule, live: LiveResource, suppressions: readonly Suppression[]): PackViolation[] {
  if (!rule.types.includes(live.type)) return [];
  const { env } = stackOf(live.urn);
  if (!applies(rule, env)) return [];
  const r = toLocated(live);
  return rule
    .check(r, localContext(rule, env))
    .filter(() => !suppressions.some((s) => suppresses(s, rule.id, env, r)))
    .map((f) => ({ ruleId: rule.id, urn: live.urn, type: r.type, name: r.name, property: f.property, message: messageOf(r, f) }));
}

/**
 * Outputs through which other resources refer to a deployed resource. In a plan, references are
 * the mock runtime's ids and ARNs, which PlanGraph derives from the inputs; in a real stack they
 * are AWS's (`sg-0a1b...`, the real ARN), found in the resource's outputs.
 */
const LIVE_REFERENCE_OUTPUTS = ['id', 'arn', 'name', 'bucket', 'url', 'repositoryUrl', 'invokeArn', 'qualifiedArn', 'dnsName', 'apiEndpoint', 'executionArn', 'address', 'endpoint', 'identifier'] as const;

/** A property's value, or undefined while it is unknown (preview) or absent. */
function known(props: Record<string, unknown>, key: string): unknown {
  try {
    return props[key];
  } catch {
    return undefined;
  }
}

/**
 * The live identifiers of each resource: its own reference outputs, plus every string another
 * resource holds in a property that depends on it alone (Pulumi's propertyDependencies), which
 * covers ids that are not outputs.
 */
export function liveIdentifiers(live: readonly LiveResource[]): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>(live.map((r) => [r.urn, new Set<string>()]));
  for (const r of live) {
    for (const key of LIVE_REFERENCE_OUTPUTS) {
      const v = known(r.props, key);
      if (typeof v === 'string' && v) ids.get(r.urn)!.add(v);
    }
    for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
      const target = deps.length === 1 ? ids.get(deps[0]!) : undefined;
      const v = target && known(r.props, key);
      if (target && typeof v === 'string' && v) target.add(v);
    }
  }
  return ids;
}

/** The plan graph over live resources: a value also refers to a live resource through its live identifiers. */
class LiveGraph extends PlanGraph {
  private readonly merged = new Map<LocatedResource, ReadonlySet<string>>();

  constructor(
    env: Environment,
    resources: readonly LocatedResource[],
    private readonly live: ReadonlyMap<LocatedResource, ReadonlySet<string>>,
  ) {
    super(env, resources);
  }

  override refs(r: LocatedResource): ReadonlySet<string> {
    const extra = this.live.get(r);
    if (!extra?.size) return super.refs(r);
    let refs = this.merged.get(r);
    if (!refs) {
      refs = new Set([...super.refs(r), ...extra]);
      this.merged.set(r, refs);
    }
    return refs;
  }
}

/** The other layers' plans of one environment (resources and outputs). */
export type ContextLoader = (env: Environment, layers: readonly Layer[]) => EnvPlans;

/**
 * Reads the other layers' plans from `<dir>/<env>/<layer>.json` (dist/synth). A rule that relates
 * resources across stacks (a foundation security group attached to compute's load balancer) needs
 * them; a missing plan stops the check with the command that writes it rather than guessing.
 */
export function planContext(dir: string): ContextLoader {
  return (env, layers) => {
    const plans: EnvPlans = {};
    for (const layer of layers) {
      const file = join(dir, env, `${layer}.json`);
      if (!existsSync(file)) {
        throw new Error(`the policy pack relates resources across stacks and needs ${file}: run \`npx nx run-many -t synth -c ${env}\` before preview/up`);
      }
      plans[layer] = parsePlan(JSON.parse(readFileSync(file, 'utf8')), file);
    }
    return plans;
  };
}

/** Pairs of string leaves at the same path of two values (the planned and the real stack outputs). */
function pairLeaves(planned: unknown, real: unknown, out: [string, string][] = []): [string, string][] {
  if (typeof planned === 'string' && typeof real === 'string') {
    if (planned !== real) out.push([planned, real]);
  } else if (planned && real && typeof planned === 'object' && typeof real === 'object') {
    for (const [k, v] of Object.entries(planned as Record<string, unknown>)) pairLeaves(v, known(real as Record<string, unknown>, k), out);
  }
  return out;
}

/**
 * The real identifiers of the other layers' resources. A deployed stack refers to an upstream
 * resource by the real value of an upstream output (through its StackReference), where the plan
 * holds the mock value of the same output: the pair says which plan resource the real value means.
 */
export function upstreamIdentifiers(live: readonly LiveResource[], plans: EnvPlans, context: PlanGraph): Map<LocatedResource, Set<string>> {
  const ids = new Map<LocatedResource, Set<string>>();
  for (const ref of live.filter((r) => r.type === 'pulumi:pulumi:StackReference')) {
    const layer = /(?:^|\/)tradai-([a-z]+)(?:\/|$)/.exec(String(known(ref.props, 'name') ?? ''))?.[1] as Layer | undefined;
    const plan = layer && plans[layer];
    if (!plan) continue;
    for (const [mock, real] of pairLeaves(plan.outputs, known(ref.props, 'outputs'))) {
      for (const r of context.resources) {
        if (r.layer === layer && context.refersTo(mock, r)) ids.set(r, (ids.get(r) ?? new Set()).add(real));
      }
    }
  }
  return ids;
}

/**
 * A rule that reads other resources, on a whole stack (CrossGuard's `validateStack`): the stack's
 * live resources plus the other layers from their plans, so it sees what the offline check sees.
 * Only the live stack's resources are reported.
 */
export function checkStack(rule: Rule, live: readonly LiveResource[], suppressions: readonly Suppression[], context: ContextLoader): PackViolation[] {
  const ours = live.filter((r) => r.type !== 'pulumi:pulumi:Stack' && !r.type.startsWith('pulumi:providers:'));
  if (!ours.some((r) => rule.types.includes(r.type))) return [];
  const { env, layer } = stackOf(ours[0]!.urn);
  if (!applies(rule, env)) return [];
  const located = ours.map((r) => [r, toLocated(r)] as const);
  const plans = context(env, LAYERS.filter((l) => l !== layer));
  const others = locateResources(plans);
  // Layer order, as the offline graph has it: the first match wins in `resolve`.
  const all = [...located.map(([, r]) => r), ...others].sort((a, b) => LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer));
  const ids = liveIdentifiers(ours);
  const upstream = upstreamIdentifiers(ours, plans, new PlanGraph(env, others));
  const graph = new LiveGraph(env, all, new Map<LocatedResource, ReadonlySet<string>>([...located.map(([l, r]) => [r, ids.get(l.urn)!] as const), ...upstream]));
  const out: PackViolation[] = [];
  for (const [liveResource, r] of located) {
    if (!rule.types.includes(r.type)) continue;
    for (const f of rule.check(r, { env, graph })) {
      if (suppressions.some((s) => suppresses(s, rule.id, env, r))) continue;
      out.push({ ruleId: rule.id, urn: liveResource.urn, type: r.type, name: r.name, property: f.property, message: messageOf(r, f) });
    }
  }
  return out;
}
