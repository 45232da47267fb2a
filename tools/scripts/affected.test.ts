import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectedDeploy } from './affected.js';

const root = resolve(__dirname, '../..');

describe('nx affected -t deploy', () => {
  it('after one Lambda change: that Lambda build/image/push, then compute up, then edge up', () => {
    const r = affectedDeploy(root, ['apps/lambdas/rollback/src/handler.ts']);
    // Report and test projects downstream of edge may be affected too; only these three deploy.
    expect(r.affected).toEqual(expect.arrayContaining(['compute', 'edge', 'rollback']));
    expect(r.affected.filter((p) => ['persistent', 'foundation', 'health-check', 'backend'].includes(p))).toEqual([]);
    expect(r.work).toEqual(['compute:bundle', 'compute:deploy:dev', 'edge:bundle', 'edge:deploy:dev', 'rollback:build', 'rollback:deploy:dev', 'rollback:image:dev']);
    // Everything else in the graph is an upstream deploy that skips when unchanged (images by tag, layers by hash).
    expect(r.checks).toContain('persistent:deploy:dev');
    expect(r.checks.some((t) => t.startsWith('foundation:'))).toBe(true);
  });

  it('a shared infra config change reaches the four stacks but no Lambda', () => {
    const r = affectedDeploy(root, ['libs/infra-shared/src/config/services.ts']);
    expect(r.affected).toEqual(expect.arrayContaining(['persistent', 'foundation', 'compute', 'edge']));
    // workflow-tests and platform run the rendered workflows and images-e2e starts images with compute's
    // env, so they are affected; none has anything to deploy.
    const testsAndReports = ['infra-shared', 'tools', 'policy', 'cost', 'plan-reports', 'workflow-tests', 'platform', 'images-e2e'];
    expect(r.affected.filter((p) => !['persistent', 'foundation', 'compute', 'edge', ...testsAndReports].includes(p))).toEqual([]);
  });
});
