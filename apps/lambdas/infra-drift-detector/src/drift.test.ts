import { describe, expect, it } from 'vitest';
import { compareLambdas, compareServices, compareStrategies, digestOf, driftAlert, repositoryOf } from './drift.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const REG = '1.dkr.ecr.eu-central-1.amazonaws.com';

describe('image references', () => {
  it('extracts digest and repository', () => {
    expect(digestOf(`${REG}/tradai/health-check@${D('a')}`)).toBe(D('a'));
    expect(digestOf(`${REG}/tradai/health-check:abc`)).toBeUndefined();
    expect(repositoryOf(`${REG}/tradai/strategy-x@${D('a')}`)).toBe('tradai/strategy-x');
    expect(repositoryOf(`${REG}/tradai/strategy-x:v1`)).toBe('tradai/strategy-x');
  });
});

describe('compareLambdas', () => {
  it('flags a function running another digest or gone, and passes a match', () => {
    const f = compareLambdas(
      { ok: D('a'), changed: D('b'), gone: D('c') },
      new Map([
        ['ok', { imageUri: `${REG}/r@${D('a')}`, resolvedImageUri: `${REG}/r@${D('a')}` }],
        ['changed', { imageUri: `${REG}/r:latest`, resolvedImageUri: `${REG}/r@${D('9')}` }],
        ['gone', undefined],
      ]),
    );
    expect(f.map((x) => [x.resourceId, x.kind, x.actual])).toEqual([
      ['lambda:changed', 'lambda-image', D('9')],
      ['lambda:gone', 'lambda-missing', 'absent'],
    ]);
  });
});

describe('compareServices', () => {
  it('flags desired-count changes, running below desired and missing services', () => {
    const f = compareServices(
      { ok: 1, scaled: 1, crashing: 2, missing: 1, draining: 1 },
      new Map([
        ['ok', { desiredCount: 1, runningCount: 1, status: 'ACTIVE' }],
        ['scaled', { desiredCount: 3, runningCount: 3, status: 'ACTIVE' }],
        ['crashing', { desiredCount: 2, runningCount: 0, status: 'ACTIVE' }],
        ['draining', { desiredCount: 1, runningCount: 1, status: 'DRAINING' }],
      ]),
    );
    expect(f.map((x) => `${x.resourceId}/${x.kind}/${x.expected}->${x.actual}`)).toEqual(['ecs:scaled/ecs-desired/1->3', 'ecs:crashing/ecs-running/2->0', 'ecs:missing/ecs-missing/1->absent', 'ecs:draining/ecs-missing/1->DRAINING']);
  });
});

describe('compareStrategies + driftAlert', () => {
  it('flags a deleted image and a dangling config version; alerts with one line each', () => {
    const f = compareStrategies([
      { strategy: 'a', imageDigest: D('a'), configVersion: 2, imagePresent: false, configPresent: true },
      { strategy: 'b', configVersion: 7, imagePresent: true, configPresent: false },
      { strategy: 'c', imageDigest: D('c'), configVersion: 1, imagePresent: true, configPresent: true },
    ]);
    expect(f.map((x) => `${x.resourceId}/${x.kind}`)).toEqual(['strategy:a/image-missing', 'strategy:b/config-version']);
    const a = driftAlert(f, 'prod')!;
    expect(a.subject).toBe('[tradai-prod] infra drift: 2 finding(s)');
    expect(a.message.split('\n')).toHaveLength(2);
    expect(driftAlert([], 'prod')).toBeUndefined();
  });
});
