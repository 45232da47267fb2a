import { describe, expect, it } from 'vitest';
import { buildPlan, formatPlanSummary } from './plan.js';

const r = (type: string, name: string) => ({ type, name, inputs: {}, parent: null });

describe('buildPlan', () => {
  it('orders resources by type then name and leaves engine resources out', () => {
    const plan = buildPlan('edge', 'prod', [r('b:x:Y', 'b'), r('pulumi:pulumi:Stack', 'tradai-edge-prod'), r('pulumi:providers:aws', 'default_7_48_0'), r('a:x:Y', 'z'), r('b:x:Y', 'a')], { b: 1, a: 2 });
    expect(plan.resources.map((x) => `${x.type}/${x.name}`)).toEqual(['a:x:Y/z', 'b:x:Y/a', 'b:x:Y/b']);
    expect(Object.keys(plan.outputs)).toEqual(['a', 'b']);
    expect(plan.stack).toBe('tradai-edge');
  });

  it('refuses two resources with the same type and name', () => {
    expect(() => buildPlan('edge', 'dev', [r('a:x:Y', 'n'), r('a:x:Y', 'n')], {})).toThrow('two resources of type a:x:Y are named n');
  });

  it('summarises counts by type and previews outputs', () => {
    const text = formatPlanSummary(buildPlan('edge', 'dev', [r('a:x:Y', '1'), r('a:x:Y', '2')], { ids: ['x', 'y'], url: 'https://x' }), 1234);
    expect(text).toContain('tradai-edge (dev): 2 resources, 2 outputs in 1.2 s');
    expect(text).toMatch(/a:x:Y\s+2/);
    expect(text).toContain('ids = [2 items]');
  });
});
