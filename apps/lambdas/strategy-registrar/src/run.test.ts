import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, Table, type ConfigVersionItem, type DeploymentItem } from '@tradai/domain';
import { hookDocumentClient, readBarrierClient, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { captureLogs, importWithLogLevel, snsEvent } from '@tradai/lambda-core/testing';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const ecr = mockClient(ECRClient);
const REPO = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-momentum';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const message = (over: Record<string, unknown> = {}) => ({ strategy: 'momentum', imageRepository: REPO, imageTag: 't1', imageDigest: digest('a'), configKey: 'strategies/momentum/v1.json', ...over });

// Each test gets its own dynalite, a reset ECR mock and a clock starting at the same instant.
let db: Dynalite;
let configVersions: Table<ConfigVersionItem>;
let deployments: Table<DeploymentItem>;
let clock: number;
beforeEach(async () => {
  ecr.reset();
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: digest('a') }] });
  clock = Date.parse('2026-03-01T00:00:00Z');
  db = await startDynalite();
  const names = await db.createTables(['config_versions', 'deployments']);
  configVersions = new Table<ConfigVersionItem>(db.doc, 'config_versions', names.config_versions);
  deployments = new Table<DeploymentItem>(db.doc, 'deployments', names.deployments);
});
afterEach(() => db.stop());

/** run() from a fresh module whose logger writes INFO (the one imported above is SILENT). */
const loggingRun = async (): Promise<typeof run> => (await importWithLogLevel('INFO', () => import('./run.js'))).run;

const deps = (over: Partial<Deps> = {}): Deps => ({ configVersions, deployments, ecr: new ECRClient({ region: 'us-east-1' }), now: () => new Date((clock += 60_000)), ...over });
const versionsOf = (s: string) => configVersions.query(s);
const deploymentsOf = (s: string) => deployments.query(s);

describe('strategy-registrar', () => {
  it('records a new config version and a deployment, after checking the image is in ECR', async () => {
    const [r] = await run(snsEvent(message({ gitSha: 'deadbeef' })), deps());
    expect(r).toEqual({ strategy: 'momentum', configVersion: 1, deploymentId: 'registrar-momentum-v1', changed: true });
    expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momentum', imageIds: [{ imageDigest: digest('a') }] });
    expect(await versionsOf('momentum')).toEqual([
      {
        strategy: 'momentum',
        version: 1,
        config_key: 'strategies/momentum/v1.json',
        image: `${REPO}@${digest('a')}`,
        image_tag: 't1',
        created_at: '2026-03-01T00:01:00.000Z',
        source: 'strategy-registrar',
        git_sha: 'deadbeef',
      },
    ]);
    expect(await deploymentsOf('momentum')).toEqual([
      { strategy: 'momentum', deployed_at: '2026-03-01T00:01:00.000Z', deployment_id: 'registrar-momentum-v1', config_version: 1, image: `${REPO}@${digest('a')}`, source: 'strategy-registrar', status: 'registered' },
    ]);

    // The next image becomes version 2 and links to the previous deployment.
    const [r2] = await run(snsEvent(message({ imageDigest: digest('b'), imageTag: 't2' })), deps());
    expect(r2).toEqual({ strategy: 'momentum', configVersion: 2, deploymentId: 'registrar-momentum-v2', changed: true });
    const ds = await deploymentsOf('momentum');
    expect(ds.at(-1)).toMatchObject({ deployment_id: 'registrar-momentum-v2', previous_deployment_id: 'registrar-momentum-v1' });
  });

  it('registers every record of an event in order', async () => {
    const event: SNSEvent = { Records: [...snsEvent(message()).Records, ...snsEvent(message({ imageDigest: digest('b') })).Records] };
    expect((await run(event, deps())).map((r) => r.configVersion)).toEqual([1, 2]);
  });

  it('logs each registration and each duplicate, naming strategy and version', async () => {
    const logged = await loggingRun();
    const logs = await captureLogs(async () => {
      await logged(snsEvent(message()), deps());
      await logged(snsEvent(message()), deps());
    });
    expect(logs.map((l) => [l.level, l.message, l.service, l.strategy, l.configVersion])).toEqual([
      ['INFO', 'registered', 'strategy-registrar', 'momentum', 1],
      ['INFO', 'duplicate registration', 'strategy-registrar', 'momentum', 1],
    ]);
    expect(logs[0]).toMatchObject({ image: `${REPO}@${digest('a')}` });
  });

  it('treats a duplicate delivery as a no-op', async () => {
    await run(snsEvent(message()), deps());
    const event = snsEvent(message({ imageDigest: digest('b'), imageTag: 't2' }));
    await run(event, deps());
    const before = { v: await versionsOf('momentum'), d: await deploymentsOf('momentum') };
    const [r] = await run(event, deps());
    expect(r).toEqual({ strategy: 'momentum', configVersion: 2, deploymentId: 'registrar-momentum-v2', changed: false });
    expect(await versionsOf('momentum')).toEqual(before.v);
    expect(await deploymentsOf('momentum')).toEqual(before.d);
  });

  it('registers the same image again under a new config as a new version', async () => {
    await run(snsEvent(message()), deps());
    const [r] = await run(snsEvent(message({ configKey: 'strategies/momentum/v2.json' })), deps());
    expect(r).toMatchObject({ configVersion: 2, changed: true });
  });

  it('completes the deployment record on redelivery after a partial failure', async () => {
    await configVersions.put({ strategy: 'halfway', version: 1, config_key: 'k', image: `${REPO}@${digest('c')}`, created_at: '2026-02-01T00:00:00.000Z', source: 'strategy-registrar' });
    const [r] = await run(snsEvent(message({ strategy: 'halfway', imageDigest: digest('c'), configKey: 'k' })), deps());
    expect(r).toEqual({ strategy: 'halfway', configVersion: 1, deploymentId: 'registrar-halfway-v1', changed: false });
    expect(await deploymentsOf('halfway')).toEqual([expect.objectContaining({ deployed_at: '2026-02-01T00:00:00.000Z', config_version: 1 })]);
  });

  it('takes the registration time from the message when CI gives one', async () => {
    await run(snsEvent(message({ registeredAt: '2026-02-28T12:00:00Z' })), deps());
    expect(await versionsOf('momentum')).toEqual([expect.objectContaining({ created_at: '2026-02-28T12:00:00Z' })]);
    expect(await deploymentsOf('momentum')).toEqual([expect.objectContaining({ deployed_at: '2026-02-28T12:00:00Z' })]);
  });

  it('two registrations of different images at once: both read before either writes, they get distinct versions', async () => {
    const gated = readBarrierClient(db.doc);
    const racing = deps({ configVersions: new Table<ConfigVersionItem>(gated.doc, 'config_versions', configVersions.tableName) });
    const results = (await Promise.all([run(snsEvent(message()), racing), run(snsEvent(message({ imageDigest: digest('b') })), racing)])).flat();
    expect(results.map((r) => r.configVersion).sort()).toEqual([1, 2]);
    expect(results.every((r) => r.changed)).toBe(true);
    const versions = await versionsOf('momentum');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(new Set(versions.map((v) => v.image))).toEqual(new Set([`${REPO}@${digest('a')}`, `${REPO}@${digest('b')}`]));
    // The loser re-read after its failed put: two first reads, one retry.
    expect(gated.reads()).toBe(3);
  });

  it('the same registration delivered twice at once: one version, recorded once', async () => {
    const gated = readBarrierClient(db.doc);
    const racing = deps({ configVersions: new Table<ConfigVersionItem>(gated.doc, 'config_versions', configVersions.tableName) });
    const results = (await Promise.all([run(snsEvent(message()), racing), run(snsEvent(message()), racing)])).flat();
    expect(results.map((r) => r.changed).sort()).toEqual([false, true]);
    expect(results.map((r) => r.configVersion)).toEqual([1, 1]);
    expect(await versionsOf('momentum')).toHaveLength(1);
    expect(await deploymentsOf('momentum')).toHaveLength(1);
  });

  // Three attempts: losing the conditional put twice still registers; losing it three times is a conflict.
  const losing = (times: number) => {
    let lost = 0;
    const doc = hookDocumentClient(db.doc, async (command, send) => {
      if (command instanceof PutCommand && command.input.TableName === configVersions.tableName && command.input.ConditionExpression && lost < times) {
        // Another writer takes this version number just before our put.
        const item = command.input.Item as ConfigVersionItem;
        await configVersions.put({ ...item, image: `${REPO}@${digest(String(lost))}`, config_key: `other-${lost}` });
        lost++;
      }
      return send();
    });
    return { deps: deps({ configVersions: new Table<ConfigVersionItem>(doc, 'config_versions', configVersions.tableName) }), lost: () => lost };
  };

  it('retries with the next version after losing the conditional put, up to the third attempt', async () => {
    const l = losing(2);
    const [r] = await run(snsEvent(message()), l.deps);
    expect(l.lost()).toBe(2);
    expect(r).toMatchObject({ configVersion: 3, changed: true });
    expect((await versionsOf('momentum')).map((v) => v.config_key)).toEqual(['other-0', 'other-1', 'strategies/momentum/v1.json']);
  });

  it('gives up with a conflict after losing three times, writing no deployment', async () => {
    const l = losing(3);
    const err = await run(snsEvent(message()), l.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe('config_versions momentum: lost the conditional put 3 times to concurrent writers');
    expect((await versionsOf('momentum')).map((v) => v.config_key)).toEqual(['other-0', 'other-1', 'other-2']);
    expect(await deploymentsOf('momentum')).toEqual([]);
  });

  it('rejects a malformed message naming the field, writing nothing and calling nothing', async () => {
    await expect(run(snsEvent(message({ strategy: 'bad-digest', imageDigest: 'latest' })), deps())).rejects.toThrow(/imageDigest: must be sha256:<64 hex>/);
    await expect(run(snsEvent('not json'), deps())).rejects.toThrow(/\(root\): body is not valid JSON/);
    await expect(run({ Records: [] } as never, deps())).rejects.toThrow('invalid registration event: Records: expected a non-empty SNS Records array');
    await expect(run({} as never, deps())).rejects.toThrow('invalid registration event: Records');
    await expect(run({ Records: [{}] } as never, deps())).rejects.toThrow(/invalid registration message \(record 0\)/);
    expect(await versionsOf('bad-digest')).toEqual([]);
    expect(ecr).toHaveReceivedCommandTimes(DescribeImagesCommand, 0);
  });

  it('parses every record before writing any: a bad second record stops the first', async () => {
    const event: SNSEvent = { Records: [...snsEvent(message()).Records, ...snsEvent({ strategy: 'x' }).Records] };
    await expect(run(event, deps())).rejects.toThrow(/registration message \(record 1\)/);
    expect(await versionsOf('momentum')).toEqual([]);
  });

  it('refuses an image that is not in ECR and fails on ECR errors, writing nothing', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    await expect(run(snsEvent(message({ strategy: 'ghost' })), deps())).rejects.toThrow(`image tradai/strategy-momentum@${digest('a')} not found in ECR`);
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('not found'), { name: 'ImageNotFoundException' }));
    await expect(run(snsEvent(message({ strategy: 'ghost' })), deps())).rejects.toThrow(`image tradai/strategy-momentum@${digest('a')} not found in ECR (ImageNotFoundException)`);
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('no repo'), { name: 'RepositoryNotFoundException' }));
    await expect(run(snsEvent(message({ strategy: 'ghost' })), deps())).rejects.toThrow('not found in ECR (RepositoryNotFoundException)');
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(run(snsEvent(message({ strategy: 'ghost' })), deps())).rejects.toThrow(/^Rate exceeded$/);
    expect(await versionsOf('ghost')).toEqual([]);
    expect(await deploymentsOf('ghost')).toEqual([]);
  });
});
