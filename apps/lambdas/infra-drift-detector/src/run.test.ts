import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PLATFORM_MANIFEST_KEY, type TableKey } from '@tradai/contracts';
import { Table, type ConfigVersionItem, type DeploymentItem, type InfraDriftItem } from '@tradai/domain';
import { createTableInput, localTableName, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { withLogs, type LogLine } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // run.ts creates its logger at import: INFO, so the tests can read what operators read.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});
const { run: runQuiet, DESCRIBE_SERVICES_MAX } = await import('./run.js');
type Deps = import('./run.js').Deps;

const lambda = mockClient(LambdaClient);
const ecs = mockClient(ECSClient);
const ecr = mockClient(ECRClient);
const sns = mockClient(SNSClient);
const D = (c: string) => `sha256:${c.repeat(64)}`;
const REG = '1.dkr.ecr.us-east-1.amazonaws.com';
const CLUSTER = 'arn:aws:ecs:us-east-1:0:cluster/tradai-dev';
const MOMENTUM_IMAGE = `${REG}/tradai/strategy-momentum@${D('c')}`;
let db: Dynalite;

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.stop());

/** Fresh tables for each test (its own names), so no test sees another's manifest or findings. */
let tableSeq = 0;
async function freshTable<Item extends object>(key: TableKey): Promise<Table<Item>> {
  const name = `${localTableName(key)}-${++tableSeq}`;
  await db.client.send(new CreateTableCommand(createTableInput(key, name)));
  return new Table<Item>(db.doc, key, name);
}

let deployments: Table<DeploymentItem>;
let configVersions: Table<ConfigVersionItem>;
let findings: Table<InfraDriftItem>;
let clock: number;

/** Everything as deployed: functions on their digests, services at their counts, images in ECR. */
beforeEach(async () => {
  deployments = await freshTable('deployments');
  configVersions = await freshTable('config_versions');
  findings = await freshTable('infra_drift_state');
  clock = Date.parse('2026-03-01T06:00:00Z');
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
});

/** The platform manifest and one strategy (momentum v1, its image in ECR), as a deploy records them. */
async function seed(): Promise<void> {
  await deployments.put({ ...PLATFORM_MANIFEST_KEY, lambda_images: { 'tradai-health-check-dev': D('a'), 'tradai-rollback-dev': D('b') }, service_desired_counts: { 'tradai-backend-api-dev': 2, 'tradai-mlflow-dev': 1 }, revision: 'r1' } as unknown as DeploymentItem);
  await deployments.put({ strategy: 'momentum', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'm1', config_version: 1, image: MOMENTUM_IMAGE, source: 'strategy-registrar' });
  await configVersions.put({ strategy: 'momentum', version: 1, config_key: 'k', image: MOMENTUM_IMAGE, created_at: 'x', source: 'strategy-registrar' });
}

const deps = (over: Partial<Deps> = {}): Deps => ({
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
  ...over,
});

/** run() with its log lines captured (kept off the test output). */
let lastLogs: LogLine[] = [];
async function run(event: unknown, d: Deps = deps()) {
  return withLogs(() => runQuiet(event, d), (logs) => (lastLogs = logs));
}

/** The alert run() published (parsed from the SNS message body). */
const published = () => sns.commandCalls(PublishCommand).map((c) => ({ subject: c.args[0].input.Subject, topic: c.args[0].input.TopicArn, body: JSON.parse(c.args[0].input.Message!) as Record<string, unknown> }));

describe('infra-drift-detector', () => {
  it('reports the missing platform manifest instead of silently checking nothing', async () => {
    const r = await run({});
    expect(r).toEqual({ checked: { lambdas: 0, services: 0, strategies: 0 }, findings: [expect.objectContaining({ resourceId: 'platform:manifest', kind: 'manifest-missing' })] });
    expect(r.findings[0]!.detail).toBe('no platform manifest (_platform/manifest) in the deployments table: Lambda and ECS were not checked');
    expect(await findings.scan()).toEqual([{ resource_id: 'platform:manifest', detected_at: '2026-03-01T06:01:00.000Z', kind: 'manifest-missing', expected: 'present', actual: 'absent' }]);
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionCommand, 0);
    expect(ecs).toHaveReceivedCommandTimes(DescribeServicesCommand, 0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('finds nothing, records nothing and stays quiet when reality matches', async () => {
    await seed();
    const r = await run({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(r).toEqual({ checked: { lambdas: 2, services: 2, strategies: 1 }, findings: [] });
    expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, { cluster: CLUSTER, services: ['tradai-backend-api-dev', 'tradai-mlflow-dev'] });
    expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momentum', imageIds: [{ imageDigest: D('c') }] });
    expect(await findings.scan()).toEqual([]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(lastLogs).toEqual([expect.objectContaining({ level: 'INFO', message: 'infra drift checked', service: 'infra-drift-detector', findings: [] })]);
  });

  it('records each drift, alerts once with every finding, and logs them', async () => {
    await seed();
    lambda.on(GetFunctionCommand, { FunctionName: 'tradai-rollback-dev' }).resolves({ Code: { ImageUri: `${REG}/tradai/rollback:hotfix`, ResolvedImageUri: `${REG}/tradai/rollback@${D('f')}` } });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'tradai-backend-api-dev', desiredCount: 2, runningCount: 1, status: 'ACTIVE' }], failures: [{ arn: 'tradai-mlflow-dev', reason: 'MISSING' }] });
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('gone'), { name: 'ImageNotFoundException' }));
    const r = await run({});
    const keys = ['lambda:tradai-rollback-dev/lambda-image', 'ecs:tradai-backend-api-dev/ecs-running', 'ecs:tradai-mlflow-dev/ecs-missing', 'strategy:momentum/image-missing'];
    expect(r.findings.map((f) => `${f.resourceId}/${f.kind}`)).toEqual(keys);
    const at = '2026-03-01T06:01:00.000Z';
    expect(await findings.query('lambda:tradai-rollback-dev')).toEqual([{ resource_id: 'lambda:tradai-rollback-dev', detected_at: at, kind: 'lambda-image', expected: D('b'), actual: D('f') }]);
    expect((await findings.scan()).map((x) => `${x.resource_id}/${x.kind}`).sort()).toEqual([...keys].sort());
    expect(published()).toEqual([
      {
        topic: 'arn:aws:sns:us-east-1:0:alerts',
        subject: '[tradai-dev] infra drift: 4 finding(s)',
        body: {
          type: 'infra.drift',
          severity: 'warning',
          source: 'infra-drift-detector',
          subject: '[tradai-dev] infra drift: 4 finding(s)',
          message: r.findings.map((f) => `${f.resourceId} [${f.kind}]: ${f.detail}`).join('\n'),
          occurredAt: at,
          dedupKey: `infra-drift:2026-03-01:${[...keys].sort().join(',')}`,
          details: { findings: 4 },
        },
      },
    ]);
    expect(lastLogs).toEqual([expect.objectContaining({ message: 'infra drift checked', findings: r.findings })]);
  });

  it('keeps both findings on one resource in its one record (they share its key)', async () => {
    await seed();
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        { serviceName: 'tradai-backend-api-dev', desiredCount: 3, runningCount: 1, status: 'ACTIVE' },
        { serviceName: 'tradai-mlflow-dev', desiredCount: 1, runningCount: 1, status: 'ACTIVE' },
      ],
    });
    const r = await run({});
    expect(r.findings.map((f) => f.kind)).toEqual(['ecs-desired', 'ecs-running']);
    expect(await findings.scan()).toEqual([{ resource_id: 'ecs:tradai-backend-api-dev', detected_at: '2026-03-01T06:01:00.000Z', kind: 'ecs-desired,ecs-running', expected: '2; 3', actual: '3; 1' }]);
  });

  it('the same drift found twice the same day carries the same dedupKey, whatever the run time', async () => {
    await seed();
    lambda.on(GetFunctionCommand, { FunctionName: 'tradai-rollback-dev' }).rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));
    await run({});
    clock = Date.parse('2026-03-01T23:58:00Z');
    await run({});
    clock = Date.parse('2026-03-01T23:59:00Z'); // next run is at 00:00: a new day alerts again
    await run({});
    const keys = published().map((p) => p.body.dedupKey);
    expect(keys).toEqual(['infra-drift:2026-03-01:lambda:tradai-rollback-dev/lambda-missing', 'infra-drift:2026-03-01:lambda:tradai-rollback-dev/lambda-missing', 'infra-drift:2026-03-02:lambda:tradai-rollback-dev/lambda-missing']);
    expect(await findings.query('lambda:tradai-rollback-dev')).toHaveLength(3); // the record is appended each run
  });

  it(`asks ECS for at most ${DESCRIBE_SERVICES_MAX} services per call: exactly 10 in one call, 11 in two`, async () => {
    expect(DESCRIBE_SERVICES_MAX).toBe(10);
    const names = (n: number) => Array.from({ length: n }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({ services: input.services.map((serviceName) => ({ serviceName, desiredCount: 1, runningCount: 1, status: 'ACTIVE' })) }));
    for (const [count, calls] of [
      [10, [names(10)]],
      [11, [names(10), ['svc-10']]],
    ] as const) {
      ecs.resetHistory();
      await deployments.put({ ...PLATFORM_MANIFEST_KEY, lambda_images: {}, service_desired_counts: Object.fromEntries(names(count).map((n) => [n, 1])) } as unknown as DeploymentItem);
      const r = await run({});
      expect(r).toEqual({ checked: { lambdas: 0, services: count, strategies: 0 }, findings: [] });
      expect(ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input.services)).toEqual(calls);
    }
  });

  it('checks only the latest deployment of each strategy (one second newer is newer)', async () => {
    await seed();
    // An older deployment whose config version is gone no longer matters; a newer one whose version is gone does.
    await deployments.put({ strategy: 'momentum', deployed_at: '2026-01-01T00:00:00Z', deployment_id: 'm0', config_version: 9, source: 'strategy-registrar' });
    await deployments.put({ strategy: 'breakout', deployed_at: '2026-01-01T00:00:00Z', deployment_id: 'b1', config_version: 1, source: 'strategy-registrar' });
    await deployments.put({ strategy: 'breakout', deployed_at: '2026-01-01T00:00:01Z', deployment_id: 'b2', config_version: 2, source: 'strategy-registrar' });
    await configVersions.put({ strategy: 'breakout', version: 1, config_key: 'k', image: `${REG}/tradai/strategy-breakout@${D('d')}`, created_at: 'x', source: 'strategy-registrar' });
    const r = await run({});
    expect(r.checked.strategies).toBe(2); // momentum and breakout; the _platform manifest is no strategy
    expect(r.findings).toEqual([expect.objectContaining({ resourceId: 'strategy:breakout', kind: 'config-version', expected: '2' })]);
  });

  it('picks the latest deployment by its time, whatever order the scan returns them in', async () => {
    await seed();
    await deployments.put({ strategy: 'breakout', deployed_at: '2026-01-01T00:00:00Z', deployment_id: 'b1', config_version: 1, source: 'strategy-registrar' });
    await deployments.put({ strategy: 'breakout', deployed_at: '2026-01-01T00:00:01Z', deployment_id: 'b2', config_version: 2, source: 'strategy-registrar' });
    await configVersions.put({ strategy: 'breakout', version: 1, config_key: 'k', image: `${REG}/tradai/strategy-breakout@${D('d')}`, created_at: 'x', source: 'strategy-registrar' });
    // DynamoDB promises no order across a scan's pages or segments: newest first here.
    const reversed = Object.create(deployments) as Table<DeploymentItem>;
    reversed.scan = async () => (await deployments.scan()).reverse();
    const r = await run({}, deps({ deployments: reversed }));
    expect(r.findings).toEqual([expect.objectContaining({ resourceId: 'strategy:breakout', kind: 'config-version', expected: '2' })]);
  });

  it('reads an image ECR answers with no details, or a repository that is gone, as deleted', async () => {
    await seed();
    ecr.on(DescribeImagesCommand).resolvesOnce({ imageDetails: [] }).rejectsOnce(Object.assign(new Error('no repo'), { name: 'RepositoryNotFoundException' }));
    expect((await run({})).findings.map((f) => f.kind)).toEqual(['image-missing']);
    expect((await run({})).findings.map((f) => f.kind)).toEqual(['image-missing']);
  });

  it('does not ask ECR about an image pinned only by tag, or a deployment without an image', async () => {
    await seed();
    await deployments.put({ strategy: 'tagged', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 't1', config_version: 1, image: `${REG}/tradai/strategy-tagged:v3`, source: 'strategy-registrar' });
    await deployments.put({ strategy: 'imageless', deployed_at: '2026-02-01T00:00:00Z', deployment_id: 'i1', config_version: 1, source: 'strategy-registrar' });
    await configVersions.put({ strategy: 'tagged', version: 1, config_key: 'k', image: `${REG}/tradai/strategy-tagged@${D('e')}`, created_at: 'x', source: 'strategy-registrar' });
    await configVersions.put({ strategy: 'imageless', version: 1, config_key: 'k', image: `${REG}/tradai/strategy-imageless@${D('e')}`, created_at: 'x', source: 'strategy-registrar' });
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('gone'), { name: 'ImageNotFoundException' }));
    const r = await run({});
    expect(r.checked.strategies).toBe(3);
    expect(r.findings.map((f) => `${f.resourceId}/${f.kind}`)).toEqual(['strategy:momentum/image-missing']);
    expect(ecr).toHaveReceivedCommandTimes(DescribeImagesCommand, 1);
  });

  it('rejects a malformed event naming the field and calls nothing', async () => {
    await expect(run({ 'detail-type': 5 })).rejects.toThrow(/invalid infra-drift-detector event: detail-type:/);
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionCommand, 0);
  });

  it('fails (and records nothing) when an AWS API errors instead of reporting a false drift', async () => {
    await seed();
    lambda.on(GetFunctionCommand).rejects(Object.assign(new Error('User is not authorized to perform lambda:GetFunction'), { name: 'AccessDeniedException' }));
    await expect(run({})).rejects.toThrow(/not authorized/);
    lambda.on(GetFunctionCommand).resolves({ Code: { ImageUri: `${REG}/tradai/x@${D('a')}` } });
    lambda.on(GetFunctionCommand, { FunctionName: 'tradai-rollback-dev' }).resolves({ Code: { ImageUri: `${REG}/tradai/x@${D('b')}` } });
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('not authorized to perform ecr:DescribeImages'), { name: 'AccessDeniedException' }));
    await expect(run({})).rejects.toThrow(/ecr:DescribeImages/);
    expect(await findings.scan()).toEqual([]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});
