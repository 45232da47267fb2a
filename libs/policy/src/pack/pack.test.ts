import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, LAYERS, findWorkspaceRoot, type Environment, type Layer } from '@tradai/infra-shared';
import { mockResourceState } from '@tradai/infra-shared/testing';
import { evaluatePolicy } from '../engine.js';
import { PlanGraph, valuesAt } from '../plan/graph.js';
import { locateResources, type EnvPlans, type LocatedResource } from '../plan/model.js';
import { RULE_CASES } from '../rules/__fixtures__/cases.js';
import { RULES, type Rule } from '../rules/index.js';
import { SUPPRESSIONS } from '../suppressions.js';
import { buildPolicies } from './policies.js';
import { checkResource, parseUrn, planContext, readsGraph, stackOf, type ContextLoader } from './runner.js';

const root = findWorkspaceRoot();
/** Committed plans of the four stacks (the reports' fixtures): `<dir>/<env>/<layer>.json`. */
const PLAN_DIR = join(root, 'tools', 'reports', '__fixtures__', 'plans');

const urnOf = (env: Environment, r: LocatedResource) => `urn:pulumi:${env}::tradai-${r.layer}::${r.parent ? `${r.parent.split('::')[0]}$` : ''}${r.type}::${r.name}`;

/**
 * Runs the CrossGuard policies the way Pulumi's policy host calls them: resource policies once per
 * resource of the stack being deployed, stack policies once on that stack; every other layer is
 * context only. Done for each layer in turn, it yields every verdict for the environment.
 */
/** How a resource looks to CrossGuard in a real stack: its props, and which resources each property came from. */
type Deployed = (r: LocatedResource) => { props: Record<string, unknown>; propertyDependencies?: Record<string, { urn: string }[]> };
const asPlanned: Deployed = (r) => ({ props: r.inputs });

/** Plans (by layer) holding the given resources, with the given outputs. */
function plansOf(env: Environment, resources: readonly LocatedResource[], outputs: Partial<Record<Layer, Record<string, unknown>>> = {}): EnvPlans {
  return Object.fromEntries(
    LAYERS.filter((l) => resources.some((r) => r.layer === l)).map((l) => [l, { stack: `tradai-${l}`, environment: env, resources: resources.filter((r) => r.layer === l), outputs: outputs[l] ?? {} }]),
  );
}

function runPack(
  env: Environment,
  resources: readonly LocatedResource[],
  rules = RULES,
  suppressions = SUPPRESSIONS,
  deployed = asPlanned,
  only?: Layer,
  outputs: Partial<Record<Layer, Record<string, unknown>>> = {},
): string[] {
  const out: string[] = [];
  for (const layer of LAYERS) {
    if (only && layer !== only) continue;
    const ours = resources.filter((r) => r.layer === layer);
    if (ours.length === 0) continue;
    const context: ContextLoader = (e, layers) => {
      expect(e).toBe(env);
      return plansOf(env, resources.filter((r) => layers.includes(r.layer)), outputs);
    };
    for (const policy of buildPolicies({ rules, suppressions, context })) {
      const ruleId = policy.name;
      const report = (message: string) => out.push(`${ruleId} | ${message}`);
      if ('validateResource' in policy) {
        const validate = (policy as ResourceValidationPolicy).validateResource as (a: ResourceValidationArgs, r: ReportViolation) => void;
        for (const r of ours) {
          const args = { type: r.type, name: r.name, urn: urnOf(env, r), props: deployed(r).props, opts: { parent: undefined } } as unknown as ResourceValidationArgs;
          validate(args, report);
        }
      } else {
        const args = { resources: ours.map((r) => ({ type: r.type, name: r.name, urn: urnOf(env, r), ...deployed(r) })) } as unknown as StackValidationArgs;
        (policy as StackValidationPolicy).validateStack(args, (message, urn) => {
          expect(urn).toMatch(`::tradai-${layer}::`);
          report(message);
        });
      }
    }
  }
  return out.sort();
}

const offline = (env: Environment, resources: readonly LocatedResource[], rules = RULES, suppressions = SUPPRESSIONS) =>
  evaluatePolicy(new PlanGraph(env, resources), rules, suppressions)
    .violations.map((v) => `${v.ruleId} | ${v.message}`)
    .sort();

/** Every boolean input negated: a plan with many violations, across most rules. */
const flipAll = (v: unknown): unknown =>
  typeof v === 'boolean' ? !v : Array.isArray(v) ? v.map(flipAll) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flipAll(x)])) : v;
const flip = (r: LocatedResource): LocatedResource => ({ ...r, inputs: flipAll(r.inputs) as Record<string, unknown> });

function loadPlans(env: Environment): LocatedResource[] {
  return locateResources(planContext(PLAN_DIR)(env, LAYERS));
}

describe('URNs', () => {
  it('reads stack, project, own type (after the parents) and name', () => {
    expect(parseUrn('urn:pulumi:prod::tradai-persistent::tradai:persistent:DynamoDB$aws:dynamodb/table:Table::dynamodb-trading_state')).toEqual({
      stack: 'prod',
      project: 'tradai-persistent',
      type: 'aws:dynamodb/table:Table',
      name: 'dynamodb-trading_state',
    });
    expect(stackOf('urn:pulumi:staging::tradai-edge::aws:wafv2/webAcl:WebAcl::waf')).toEqual({ layer: 'edge', env: 'staging' });
  });

  it('refuses a project or stack the rules do not know, naming it', () => {
    expect(() => parseUrn('arn:aws:s3:::x')).toThrow('not a Pulumi resource URN: arn:aws:s3:::x');
    expect(() => stackOf('urn:pulumi:dev::other-app::aws:s3/bucket:Bucket::b')).toThrow('is in project other-app');
    expect(() => stackOf('urn:pulumi:qa::tradai-compute::aws:s3/bucket:Bucket::b')).toThrow('stack qa of tradai-compute is not an environment');
  });
});

describe('the policy pack', () => {
  it('has one mandatory policy per rule, named by the rule id', () => {
    const policies = buildPolicies({ context: () => ({}) });
    expect(policies.map((p) => p.name)).toEqual(RULES.map((r) => r.id));
    expect(new Set(policies.map((p) => p.enforcementLevel))).toEqual(new Set(['mandatory']));
    const stackPolicies = policies.filter((p) => 'validateStack' in p).length;
    // Both kinds exist: rules reading only their resource block before the change, the rest at stack level.
    expect(stackPolicies).toBeGreaterThan(0);
    expect(stackPolicies).toBeLessThan(RULES.length);
    expect(stackPolicies).toBe(RULES.filter(readsGraph).length);
  });

  describe.each(RULES.map((r) => [r.id, r] as const))('%s gives the offline verdict', (id, rule) => {
    const c = RULE_CASES[id]!;
    it('on the compliant and the violating scenario', () => {
      const passEnv = c.env ?? 'dev';
      const failEnv = c.failEnv ?? passEnv;
      // Without suppressions, as the rules' own test runs them: every failing scenario must fail.
      expect(runPack(passEnv, c.pass, [rule], [])).toEqual(offline(passEnv, c.pass, [rule], []));
      const failing = runPack(failEnv, c.fail, [rule], []);
      expect(failing.length).toBeGreaterThan(0);
      expect(failing).toEqual(offline(failEnv, c.fail, [rule], []));
    });
  });

  it.each(['dev', 'prod'] as const)('gives the offline verdicts on the committed %s plans, cross-stack rules included', (env) => {
    const resources = loadPlans(env);
    expect(runPack(env, resources)).toEqual(offline(env, resources));
    // The cross-stack case: foundation's HTTPS security group is open to the world because compute's
    // ALB uses it. Without the other layers as context the pack would flag it.
    const withoutContext = buildPolicies({ rules: RULES.filter((r) => r.id === 'TRADAI-SG-001'), context: () => ({}) })[0] as StackValidationPolicy;
    const flagged: string[] = [];
    const foundation = resources.filter((r) => r.layer === 'foundation');
    withoutContext.validateStack({ resources: foundation.map((r) => ({ type: r.type, name: r.name, urn: urnOf(env, r), props: r.inputs })) } as unknown as StackValidationArgs, (m) => flagged.push(m));
    expect(flagged.length).toBeGreaterThan(0);
  });

  it('gives the offline verdicts on the same plans with every boolean input flipped (many violations)', () => {
    for (const env of ['dev', 'prod'] as const) {
      const resources = loadPlans(env).map(flip);
      const expected = offline(env, resources);
      expect(expected.length).toBeGreaterThan(20);
      expect(runPack(env, resources)).toEqual(expected);
    }
  });

  it('relates deployed resources by their real ids (outputs or property dependencies), not the mock ids of the plan', () => {
    const env = 'dev';
    for (const resources of [loadPlans(env), loadPlans(env).map(flip)]) {
      const foundation = resources.filter((r) => r.layer === 'foundation');
      // AWS's ids differ from the mock runtime's: every EC2-style id of the foundation plan gets a "real" one.
      const mockId = (r: LocatedResource) => mockResourceState(r.type, r.name, r.inputs).id;
      const real = new Map(foundation.map(mockId).filter((id) => /^[a-z]+-0[0-9a-f]{17}$/.test(id)).map((id) => [id, `${id.split('-')[0]}-0deadbeef${id.slice(-8)}`]));
      expect(real.size).toBeGreaterThanOrEqual(5);
      const byMock = new Map(foundation.map((r) => [mockId(r), r]));
      const swap = (v: unknown): unknown =>
        typeof v === 'string' ? (real.get(v) ?? v) : Array.isArray(v) ? v.map(swap) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)])) : v;
      const props = (r: LocatedResource) => swap(r.inputs) as Record<string, unknown>;
      // Outputs carry the resource's own id ...
      const withIds: Deployed = (r) => ({ props: { ...props(r), ...(real.has(mockId(r)) ? { id: real.get(mockId(r)) } : {}) } });
      // ... or only Pulumi's property dependencies say which resource a value came from.
      const withDeps: Deployed = (r) => ({
        props: props(r),
        propertyDependencies: Object.fromEntries(
          Object.entries(r.inputs)
            .filter(([, v]) => typeof v === 'string' && real.has(v))
            .map(([k, v]) => [k, [{ urn: urnOf(env, byMock.get(v as string)!) }]]),
        ),
      });
      const stackRules = RULES.filter(readsGraph);
      const planned = runPack(env, resources, stackRules, SUPPRESSIONS, asPlanned, 'foundation');
      expect(runPack(env, resources, stackRules, SUPPRESSIONS, withIds, 'foundation')).toEqual(planned);
      expect(runPack(env, resources, stackRules, SUPPRESSIONS, withDeps, 'foundation')).toEqual(planned);
      // Without either, real ids relate nothing and the verdicts change: the test can tell.
      expect(runPack(env, resources, stackRules, SUPPRESSIONS, (r) => ({ props: props(r) }), 'foundation')).not.toEqual(planned);
    }
  });

  it('relates a deployed stack to the upstream plans through its StackReferences (real output values -> planned resources)', () => {
    const env = 'dev';
    const plans = planContext(PLAN_DIR)(env, LAYERS);
    for (const resources of [locateResources(plans), locateResources(plans).map(flip)]) {
      const foundation = resources.filter((r) => r.layer === 'foundation');
      // Every identifier of a foundation resource, as AWS would have it: other EC2 ids, another account in ARNs.
      const graph = new PlanGraph(env, foundation);
      const realOf = (ref: string) => (/^[a-z]+-0[0-9a-f]{17}$/.test(ref) ? `${ref.split('-')[0]}-0deadbeef${ref.slice(-8)}` : ref.replaceAll('123456789012', '999999999999'));
      const real = new Map(foundation.flatMap((r) => [...graph.refs(r)].filter((ref) => realOf(ref) !== ref).map((ref) => [ref, realOf(ref)] as const)));
      const arns = [...real.keys()].filter((k) => k.startsWith('arn:'));
      const swapString = (v: string) => real.get(v) ?? arns.filter((a) => v.startsWith(`${a}/`) || v.startsWith(`${a}:`)).map((a) => realOf(a) + v.slice(a.length))[0] ?? v;
      const swap = (v: unknown): unknown =>
        typeof v === 'string' ? swapString(v) : Array.isArray(v) ? v.map(swap) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)])) : v;
      // The committed fixture plans keep no outputs: give foundation the security-group id outputs it exports (alb_security_group_id, ...).
      const outputs = {
        foundation: Object.fromEntries(foundation.filter((r) => r.type === 'aws:ec2/securityGroup:SecurityGroup').map((r) => [`${r.name}_id`, mockResourceState(r.type, r.name, r.inputs).id])),
      };
      // compute as deployed: it holds foundation's real ids, and its StackReference the real outputs.
      const stackRef: LocatedResource = { type: 'pulumi:pulumi:StackReference', name: 'organization/tradai-foundation/dev', parent: null, layer: 'compute', inputs: {} };
      const withRef = [...resources, stackRef];
      const deployed: Deployed = (r) =>
        r === stackRef ? { props: { name: r.name, outputs: swap(outputs.foundation) } } : { props: r.layer === 'compute' ? (swap(r.inputs) as Record<string, unknown>) : r.inputs };
      // Of the 81 rules only foundation's SG-001 looks into another layer today (downstream, covered
      // above); this rule looks upstream, as a future one may: each ALB security group must resolve.
      const upstreamRule: Rule = {
        id: 'TEST-XSTACK-001',
        mirrors: ['test'],
        severity: 'high',
        description: 'Every load balancer security group is a known security group.',
        types: ['aws:lb/loadBalancer:LoadBalancer'],
        check: (lb, { graph }) =>
          valuesAt(lb.inputs, 'securityGroups')
            .filter((sg) => !graph.resolve(sg, 'aws:ec2/securityGroup:SecurityGroup'))
            .map((sg) => ({ property: 'securityGroups', message: `names ${String(sg)}, which is no security group` })),
      };
      const stackRules = [...RULES.filter(readsGraph), upstreamRule];
      const planned = runPack(env, resources, stackRules, SUPPRESSIONS, asPlanned, 'compute', outputs);
      expect(planned.filter((v) => v.startsWith('TEST-XSTACK-001'))).toEqual([]);
      expect(runPack(env, withRef, stackRules, SUPPRESSIONS, deployed, 'compute', outputs)).toEqual(planned);
      // Without the StackReference's outputs the real ids point nowhere.
      const blind = runPack(env, resources, stackRules, SUPPRESSIONS, deployed, 'compute', outputs);
      expect(blind.filter((v) => v.startsWith('TEST-XSTACK-001')).length).toBeGreaterThan(0);
    }
  });

  it('lets Pulumi see an unknown value during preview (the error is not wrapped)', () => {
    class UnknownValueError extends Error {}
    const props = new Proxy({ name: 'tradai-idempotency-dev' } as Record<string, unknown>, {
      get(target, p) {
        if (p === 'pointInTimeRecovery') throw new UnknownValueError('pointInTimeRecovery is unknown');
        return target[p as string];
      },
    });
    const rule = RULES.find((r) => r.id === 'TRADAI-DDB-001')!;
    expect(readsGraph(rule)).toBe(false);
    expect(() => checkResource(rule, { type: 'aws:dynamodb/table:Table', name: 'idempotency', urn: 'urn:pulumi:dev::tradai-persistent::aws:dynamodb/table:Table::idempotency', props }, SUPPRESSIONS)).toThrow(UnknownValueError);
  });

  it('stops with the command that writes a missing plan the cross-stack rules need', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pack-plans-'));
    try {
      expect(() => planContext(dir)('staging', ['edge'])).toThrow(`${join(dir, 'staging', 'edge.json')}: run \`npx nx run-many -t synth -c staging\``);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every environment is covered by the URN reader', () => {
    for (const env of ENVIRONMENTS) expect(stackOf(`urn:pulumi:${env}::tradai-compute::aws:lambda/function:Function::f`).env).toBe(env);
    const layers: Layer[] = [...LAYERS];
    expect(layers.map((l) => stackOf(`urn:pulumi:dev::tradai-${l}::t::n`).layer)).toEqual(layers);
  });
});
