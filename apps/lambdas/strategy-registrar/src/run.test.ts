import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { Table, type ConfigVersionItem, type DeploymentItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { snsEvent } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const ecr = mockClient(ECRClient);
const REPO = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-momentum';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const message = (over: Record<string, unknown> = {}) => ({ strategy: 'momentum', imageRepository: REPO, imageTag: 't1', imageDigest: digest('a'), configKey: 'strategies/momentum/v1.json', ...over });

let db: Dynalite;
let configVersions: Table<ConfigVersionItem>;
let deployments: Table<DeploymentItem>;
let clock = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  db = await startDynalite();
  const names = await db.createTables(['config_versions', 'deployments']);
  configVersions = new Table<ConfigVersionItem>(db.doc, 'config_versions', names.config_versions);
  deployments = new Table<DeploymentItem>(db.doc, 'deployments', names.deployments);
});
afterAll(() => db.stop());
beforeEach(() => {
  ecr.reset();
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: digest('a') }] });
});

const deps = (): Deps => ({ configVersions, deployments, ecr: new ECRClient({ region: 'us-east-1' }), now: () => new Date((clock += 60_000)) });
const versionsOf = (s: string) => configVersions.query(s);
const deploymentsOf = (s: string) => deployments.query(s);

describe('strategy-registrar', () => {
  it('records a new config version and a deployment, after checking the image is in ECR', async () => {
    const [r] = await run(snsEvent(message()), deps());
    expect(r).toEqual({ strategy: 'momentum', configVersion: 1, deploymentId: 'registrar-momentum-v1', changed: true });
    expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momentum', imageIds: [{ imageDigest: digest('a') }] });
    expect(await versionsOf('momentum')).toEqual([expect.objectContaining({ version: 1, image: `${REPO}@${digest('a')}`, image_tag: 't1', source: 'strategy-registrar' })]);
    expect(await deploymentsOf('momentum')).toEqual([expect.objectContaining({ deployment_id: 'registrar-momentum-v1', config_version: 1, status: 'registered' })]);

    // The next image becomes version 2 and links to the previous deployment.
    const [r2] = await run(snsEvent(message({ imageDigest: digest('b'), imageTag: 't2' })), deps());
    expect(r2!.configVersion).toBe(2);
    const ds = await deploymentsOf('momentum');
    expect(ds.at(-1)).toMatchObject({ deployment_id: 'registrar-momentum-v2', previous_deployment_id: 'registrar-momentum-v1' });
  });

  it('treats a duplicate delivery as a no-op', async () => {
    const before = { v: (await versionsOf('momentum')).length, d: (await deploymentsOf('momentum')).length };
    const event = snsEvent(message({ imageDigest: digest('b'), imageTag: 't2' }));
    const [r] = await run(event, deps());
    expect(r).toMatchObject({ configVersion: 2, changed: false });
    expect((await versionsOf('momentum')).length).toBe(before.v);
    expect((await deploymentsOf('momentum')).length).toBe(before.d);
  });

  it('completes the deployment record on redelivery after a partial failure', async () => {
    await configVersions.put({ strategy: 'halfway', version: 1, config_key: 'k', image: `${REPO}@${digest('c')}`, created_at: '2026-02-01T00:00:00.000Z', source: 'strategy-registrar' });
    const [r] = await run(snsEvent(message({ strategy: 'halfway', imageDigest: digest('c'), configKey: 'k' })), deps());
    expect(r).toMatchObject({ configVersion: 1, changed: false, deploymentId: 'registrar-halfway-v1' });
    expect(await deploymentsOf('halfway')).toEqual([expect.objectContaining({ deployed_at: '2026-02-01T00:00:00.000Z', config_version: 1 })]);
  });

  it('rejects a malformed message naming the field, writing nothing and calling nothing', async () => {
    await expect(run(snsEvent(message({ strategy: 'bad-digest', imageDigest: 'latest' })), deps())).rejects.toThrow(/imageDigest: must be sha256:<64 hex>/);
    await expect(run(snsEvent('not json'), deps())).rejects.toThrow(/\(root\): body is not valid JSON/);
    await expect(run({ Records: [] } as never, deps())).rejects.toThrow(/Records/);
    expect(await versionsOf('bad-digest')).toEqual([]);
    expect(ecr).toHaveReceivedCommandTimes(DescribeImagesCommand, 0);
  });

  it('refuses an image that is not in ECR and fails on ECR errors, writing nothing', async () => {
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('not found'), { name: 'ImageNotFoundException' }));
    await expect(run(snsEvent(message({ strategy: 'ghost' })), deps())).rejects.toThrow(/image tradai\/strategy-momentum@sha256:a+ not found in ECR/);
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(run(snsEvent(message({ strategy: 'ghost' })), deps())).rejects.toThrow(/Rate exceeded/);
    expect(await versionsOf('ghost')).toEqual([]);
    expect(await deploymentsOf('ghost')).toEqual([]);
  });
});
