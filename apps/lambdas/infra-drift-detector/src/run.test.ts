import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PLATFORM_MANIFEST_KEY } from '@tradai/contracts';
import { Table, type ConfigVersionItem, type DeploymentItem, type InfraDriftItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const lambda = mockClient(LambdaClient);
const ecs = mockClient(ECSClient);
const ecr = mockClient(ECRClient);
const sns = mockClient(SNSClient);
const D = (c: string) => `sha256:${c.repeat(64)}`;
const REG = '1.dkr.ecr.us-east-1.amazonaws.com';
const CLUSTER = 'arn:aws:ecs:us-east-1:0:cluster/tradai-dev';
let db: Dynalite;
let deployments: Table<DeploymentItem>;
let configVersions: Table<ConfigVersionItem>;
let findings: Table<InfraDriftItem>;
let clock = Date.parse('2026-03-01T06:00:00Z');

beforeAll(async () => {
  db = await startDynalite();
  const n = await db.createTables(['deployments', 'config_versions', 'infra_drift_state']);
  deployments = new Table(db.doc, 'deployments', n.deployments);
  configVersions = new Table(db.doc, 'config_versions', n.config_versions);
  findings = new Table(db.doc, 'infra_drift_state', n.infra_drift_state);
});
afterAll(() => db.stop());

/** Everything as deployed: functions on their digests, services at their counts, images in ECR. */
function allInSync(): void {
  lambda.reset();
  ecs.reset();
  ecr.reset();
  sns.reset();
  lambda.on(GetFunctionCommand, { FunctionName: 'tradai-health-check-dev' }).resolves({ Code: { ImageUri: `${REG}/tradai/health-check@${D('a')}`, ResolvedImageUri: `${REG}/tradai/health-check@${D('a')}` } });
  lambda.on(GetFunctionCommand, { FunctionName: 'tradai-rollback-dev' }).resolves({ Code: { ImageUri: `${REG}/tradai/rollback@${D('b')}`, ResolvedImageUri: `${REG}/tradai/rollback@${D('b')}` } });
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      { serviceName: 'tradai-backend-api-dev', desiredCount: 2, runningCount: 2, status: 'ACTIVE' },
      { serviceName: 'tradai-mlflow-dev', desiredCount: 1, runningCount: 1, status: 'ACTIVE' },
    ],
  });
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: D('c') }] });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
}

const deps = (): Deps => ({
  deployments,
  configVersions,
  findings,
  lambda: new LambdaClient({ region: 'us-east-1' }),
  ecs: new ECSClient({ region: 'us-east-1' }),
  ecr: new ECRClient({ region: 'us-east-1' }),
  sns: new SNSClient({ region: 'us-east-1' }),
  clusterArn: CLUSTER,
  alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts',
  environment: 'dev',
  now: () => new Date((clock += 60_000)),
});

describe('infra-drift-detector', () => {
  it('reports the missing platform manifest instead of silently checking nothing', async () => {
    allInSync();
    const r = await run({}, deps());
    expect(r.findings.map((f) => f.kind)).toEqual(['manifest-missing']);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('finds nothing, records nothing and stays quiet when reality matches', async () => {
    await deployments.put({ ...PLATFORM_MANIFEST_KEY, lambda_images: { 'tradai-health-check-dev': D('a'), 'tradai-rollback-dev': D('b') }, service_desired_counts: { 'tradai-backend-api-dev': 2, 'tradai-mlflow-dev': 1 }, revision: 'r1' } as unknown as DeploymentItem);
    await deployments.put({ strategy: 'momentum', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'm1', config_version: 1, image: `${REG}/tradai/strategy-momentum@${D('c')}`, source: 'strategy-registrar' });
    await configVersions.put({ strategy: 'momentum', version: 1, config_key: 'k', image: `${REG}/tradai/strategy-momentum@${D('c')}`, created_at: 'x', source: 'strategy-registrar' });
    allInSync();
    const before = (await findings.scan()).length;
    const r = await run({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, deps());
    expect(r).toEqual({ checked: { lambdas: 2, services: 2, strategies: 1 }, findings: [] });
    expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, { cluster: CLUSTER, services: ['tradai-backend-api-dev', 'tradai-mlflow-dev'] });
    expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momentum', imageIds: [{ imageDigest: D('c') }] });
    expect((await findings.scan()).length).toBe(before);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('records each drift and alerts once', async () => {
    allInSync();
    lambda.on(GetFunctionCommand, { FunctionName: 'tradai-rollback-dev' }).resolves({ Code: { ImageUri: `${REG}/tradai/rollback:hotfix`, ResolvedImageUri: `${REG}/tradai/rollback@${D('f')}` } });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'tradai-backend-api-dev', desiredCount: 2, runningCount: 1, status: 'ACTIVE' }], failures: [{ arn: 'tradai-mlflow-dev', reason: 'MISSING' }] });
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('gone'), { name: 'ImageNotFoundException' }));
    const r = await run({}, deps());
    expect(r.findings.map((f) => `${f.resourceId}/${f.kind}`)).toEqual(['lambda:tradai-rollback-dev/lambda-image', 'ecs:tradai-backend-api-dev/ecs-running', 'ecs:tradai-mlflow-dev/ecs-missing', 'strategy:momentum/image-missing']);
    expect(await findings.query('lambda:tradai-rollback-dev')).toEqual([expect.objectContaining({ kind: 'lambda-image', expected: D('b'), actual: D('f') })]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: '[tradai-dev] infra drift: 4 finding(s)' });
  });

  it('rejects a malformed event naming the field and calls nothing', async () => {
    allInSync();
    await expect(run({ 'detail-type': 5 }, deps())).rejects.toThrow(/invalid infra-drift-detector event: detail-type:/);
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionCommand, 0);
  });

  it('fails (and records nothing) when an AWS API errors instead of reporting a false drift', async () => {
    allInSync();
    lambda.on(GetFunctionCommand).rejects(Object.assign(new Error('User is not authorized to perform lambda:GetFunction'), { name: 'AccessDeniedException' }));
    const before = (await findings.scan()).length;
    await expect(run({}, deps())).rejects.toThrow(/not authorized/);
    expect((await findings.scan()).length).toBe(before);
  });
});
