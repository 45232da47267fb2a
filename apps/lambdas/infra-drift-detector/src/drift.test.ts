import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareLambdas, compareServices, compareStrategies, digestOf, driftAlert, driftDedupKey, driftRecords, MAX_DEDUP_KEY_LENGTH, repositoryOf, type DriftFinding } from './drift.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const REG = '1.dkr.ecr.eu-central-1.amazonaws.com';
const finding = (resourceId: string, kind: DriftFinding['kind'], expected = 'e', actual = 'a'): DriftFinding => ({ resourceId, kind, expected, actual, detail: `${resourceId} ${kind}` });

describe('image references', () => {
  it('extracts digest and repository', () => {
    expect(digestOf(`${REG}/tradai/health-check@${D('a')}`)).toBe(D('a'));
    expect(digestOf(`${REG}/tradai/health-check:abc`)).toBeUndefined();
    expect(digestOf(undefined)).toBeUndefined();
    expect(repositoryOf(`${REG}/tradai/strategy-x@${D('a')}`)).toBe('tradai/strategy-x');
    expect(repositoryOf(`${REG}/tradai/strategy-x:v1`)).toBe('tradai/strategy-x');
    expect(repositoryOf(`${REG}/tradai/strategy-x`)).toBe('tradai/strategy-x');
    expect(repositoryOf('strategy-x@sha256:1')).toBeUndefined(); // no registry part
    expect(repositoryOf('/tradai/strategy-x@sha256:1')).toBeUndefined(); // an empty registry part
  });

  it('takes a digest of exactly 64 lowercase hex digits at the very end, nothing else', () => {
    const hex63 = `sha256:${'a'.repeat(63)}`;
    expect(digestOf(`${REG}/r@${hex63}`)).toBeUndefined();
    expect(digestOf(`${REG}/r@${D('a')}a`)).toBeUndefined();
    expect(digestOf(`${REG}/r@${D('A')}`)).toBeUndefined();
    expect(digestOf(`${REG}/r@${D('a')}:tag`)).toBeUndefined();
    expect(digestOf(`${REG}/r:${D('a')}`)).toBeUndefined(); // a tag that looks like a digest
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
    expect(f).toEqual([
      { resourceId: 'lambda:changed', kind: 'lambda-image', expected: D('b'), actual: D('9'), detail: `function changed runs ${D('9')}, deployed ${D('b')}` },
      { resourceId: 'lambda:gone', kind: 'lambda-missing', expected: D('c'), actual: 'absent', detail: 'function gone does not exist' },
    ]);
  });

  it('trusts the resolved digest over the URI, falls back to the URI, and names a tag-only image', () => {
    const f = compareLambdas(
      { resolved: D('a'), uriOnly: D('b'), tagOnly: D('c'), nothing: D('d') },
      new Map([
        ['resolved', { imageUri: `${REG}/r@${D('0')}`, resolvedImageUri: `${REG}/r@${D('a')}` }],
        ['uriOnly', { imageUri: `${REG}/r@${D('b')}` }],
        ['tagOnly', { imageUri: `${REG}/r:v2` }],
        ['nothing', {}],
      ]),
    );
    expect(f.map((x) => [x.resourceId, x.actual, x.detail])).toEqual([
      ['lambda:tagOnly', `${REG}/r:v2`, `function tagOnly runs ${REG}/r:v2, deployed ${D('c')}`],
      ['lambda:nothing', 'unknown', `function nothing runs an unknown image, deployed ${D('d')}`],
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
    expect(f.map((x) => x.detail)).toEqual(['service scaled desired count is 3, deployed 1', 'service crashing runs 0 of 2 desired tasks', 'service missing is not found in the cluster', 'service draining is DRAINING in the cluster']);
  });

  it('running tasks: one short of desired is drift; exactly desired or one more (a rolling deploy) is not', () => {
    const f = compareServices(
      { short: 3, exact: 3, over: 3 },
      new Map([
        ['short', { desiredCount: 3, runningCount: 2 }],
        ['exact', { desiredCount: 3, runningCount: 3 }],
        ['over', { desiredCount: 3, runningCount: 4 }],
      ]),
    );
    expect(f.map((x) => `${x.resourceId}/${x.kind}/${x.expected}->${x.actual}`)).toEqual(['ecs:short/ecs-running/3->2']);
  });

  it('a service without a status is checked like an ACTIVE one; a scaled and short service gives both findings', () => {
    const f = compareServices({ svc: 2 }, new Map([['svc', { desiredCount: 3, runningCount: 1 }]]));
    expect(f.map((x) => `${x.kind}/${x.expected}->${x.actual}`)).toEqual(['ecs-desired/2->3', 'ecs-running/3->1']);
  });
});

describe('compareStrategies + driftAlert', () => {
  it('flags a deleted image and a dangling config version; alerts with one line each', () => {
    const f = compareStrategies([
      { strategy: 'a', imageDigest: D('a'), configVersion: 2, imagePresent: false, configPresent: true },
      { strategy: 'b', configVersion: 7, imagePresent: true, configPresent: false },
      { strategy: 'c', imageDigest: D('c'), configVersion: 1, imagePresent: true, configPresent: true },
      { strategy: 'd', imagePresent: false, configPresent: false }, // nothing recorded to check
    ]);
    expect(f).toEqual([
      { resourceId: 'strategy:a', kind: 'image-missing', expected: D('a'), actual: 'absent', detail: `deployed image ${D('a')} of a is no longer in ECR` },
      { resourceId: 'strategy:b', kind: 'config-version', expected: '7', actual: 'absent', detail: 'deployment of b points at config version 7, which does not exist' },
    ]);
    expect(driftAlert(f, 'prod')).toEqual({
      subject: '[tradai-prod] infra drift: 2 finding(s)',
      message: [`strategy:a [image-missing]: deployed image ${D('a')} of a is no longer in ECR`, 'strategy:b [config-version]: deployment of b points at config version 7, which does not exist'].join('\n'),
    });
    expect(driftAlert([], 'prod')).toBeUndefined();
  });
});

describe('driftDedupKey', () => {
  const at = '2026-03-01T06:00:00.000Z';

  it('is the day plus the sorted set of resource/kind: the same drift the same day folds into one alert', () => {
    const a = [finding('lambda:x', 'lambda-image'), finding('ecs:y', 'ecs-running'), finding('ecs:y', 'ecs-running')];
    expect(driftDedupKey(a, at)).toBe('infra-drift:2026-03-01:ecs:y/ecs-running,lambda:x/lambda-image');
    expect(driftDedupKey([...a].reverse(), '2026-03-01T23:59:59.999Z')).toBe(driftDedupKey(a, at));
    expect(driftDedupKey(a, '2026-03-02T00:00:00.000Z')).toBe('infra-drift:2026-03-02:ecs:y/ecs-running,lambda:x/lambda-image');
    expect(driftDedupKey([...a, finding('ecs:z', 'ecs-missing')], at)).not.toBe(driftDedupKey(a, at));
  });

  it('keeps a key of exactly the contract maximum readable and hashes one a character longer', () => {
    const prefix = 'infra-drift:2026-03-01:';
    const kindPart = '/lambda-image';
    const resource = (len: number) => `lambda:${'f'.repeat(len - 'lambda:'.length)}`;
    const exact = resource(MAX_DEDUP_KEY_LENGTH - prefix.length - kindPart.length);
    expect(MAX_DEDUP_KEY_LENGTH).toBe(256);
    expect(driftDedupKey([finding(exact, 'lambda-image')], at)).toBe(`${prefix}${exact}${kindPart}`);
    expect(driftDedupKey([finding(exact, 'lambda-image')], at)).toHaveLength(256);
    const longer = `${exact}f`;
    const hashed = driftDedupKey([finding(longer, 'lambda-image')], at);
    expect(hashed).toBe(`${prefix}sha256:${createHash('sha256').update(`${longer}${kindPart}`).digest('hex')}`);
  });

  it('does not let two long lists that share their first 256 characters share a key', () => {
    const many = Array.from({ length: 30 }, (_, i) => finding(`lambda:tradai-function-${String(i).padStart(2, '0')}-dev`, 'lambda-image'));
    const k1 = driftDedupKey(many, at);
    const k2 = driftDedupKey([...many, finding('lambda:tradai-function-99-dev', 'lambda-image')], at);
    expect(k1).not.toBe(k2);
    expect(k1.length).toBeLessThanOrEqual(MAX_DEDUP_KEY_LENGTH);
  });
});

describe('driftRecords', () => {
  it('writes one record per resource; findings on one resource share it instead of overwriting', () => {
    const at = '2026-03-01T06:00:00.000Z';
    expect(driftRecords([finding('ecs:api', 'ecs-desired', '2', '3'), finding('lambda:x', 'lambda-missing', D('a'), 'absent'), finding('ecs:api', 'ecs-running', '3', '1')], at)).toEqual([
      { resource_id: 'ecs:api', detected_at: at, kind: 'ecs-desired,ecs-running', expected: '2; 3', actual: '3; 1' },
      { resource_id: 'lambda:x', detected_at: at, kind: 'lambda-missing', expected: D('a'), actual: 'absent' },
    ]);
    expect(driftRecords([], at)).toEqual([]);
  });
});
