import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../engine.js';
import { PlanGraph } from '../plan/graph.js';
import { RULE_CASES } from './__fixtures__/cases.js';
import { RULES } from './index.js';

const run = (ruleId: string, env: 'dev' | 'staging' | 'prod', resources: Parameters<typeof PlanGraph.prototype.refersTo>[1][]) => {
  const rule = RULES.find((r) => r.id === ruleId)!;
  return evaluatePolicy(new PlanGraph(env, resources), [rule], []).violations;
};

describe('the rule library', () => {
  it('has at least 40 rules with unique ids, sources, descriptions and types', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id, rule.id).toMatch(/^TRADAI-[A-Z0-9]+-\d{3}$/);
      expect(rule.mirrors.length, `${rule.id} mirrors`).toBeGreaterThan(0);
      expect(rule.description.length, `${rule.id} description`).toBeGreaterThan(10);
      expect(rule.types.length, `${rule.id} types`).toBeGreaterThan(0);
    }
  });

  it('has a passing and a failing case for every rule, and no case for a rule that does not exist', () => {
    expect(Object.keys(RULE_CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it('mirrors cdk-nag and Checkov rules across the library', () => {
    const mirrors = RULES.flatMap((r) => r.mirrors);
    expect(mirrors.filter((m) => m.startsWith('AwsSolutions-')).length).toBeGreaterThanOrEqual(20);
    expect(mirrors.filter((m) => /^CKV2?_AWS_\d+$/.test(m)).length).toBeGreaterThanOrEqual(30);
    expect(mirrors.filter((m) => m.startsWith('Serverless-')).length).toBeGreaterThanOrEqual(5);
  });
});

describe.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  const c = RULE_CASES[id]!;

  it('passes the compliant scenario', () => {
    expect(run(id, c.env ?? 'dev', [...c.pass])).toEqual([]);
  });

  it(`fails the violating scenario naming the resource and "${c.expect}"`, () => {
    const violations = run(id, c.failEnv ?? c.env ?? 'dev', [...c.fail]);
    expect(violations.length).toBeGreaterThan(0);
    const v = violations[0]!;
    expect(`${v.property} ${v.message}`).toContain(c.expect);
    expect(v.ruleId).toBe(id);
    expect(v.severity).toBe(rule.severity);
    // The message starts with the resource kind and name.
    expect(v.message.startsWith(`${v.type.split(':')[1]!.split('/')[0]}.`)).toBe(true);
    expect(v.message).toContain(v.name);
  });
});
