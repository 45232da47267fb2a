import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ConfigVersionRepo, NotFoundError, readS3Text, tableFromEnv, ValidationError } from '@tradai/domain';
import { startDynalite, startFauxqs, type Dynalite, type Fauxqs } from '@tradai/domain/testing';
import { captureLogs, setLambdaEnv } from '@tradai/lambda-core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateStrategy, type ValidateDeps } from './run.js';

const BUCKET = 'tradai-configs-test';
const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/tradai/strategy-momo';
const DIGEST = `sha256:${'b'.repeat(64)}`;
const ecr = mockClient(ECRClient);
let db: Dynalite;
let fx: Fauxqs;
let configs: ConfigVersionRepo;
let deps: ValidateDeps;

const config = { strategy: 'momo', parameters: { stopLoss: { type: 'number', min: 0, max: 0.5, default: 0.1 }, lookback: { type: 'number', integer: true } } };

beforeAll(async () => {
  [db, fx] = await Promise.all([startDynalite(), startFauxqs()]);
  await db.createTables(['config_versions']);
  fx.server.createBucket(BUCKET);
  configs = new ConfigVersionRepo(tableFromEnv(db.doc, 'config_versions', db.tableEnv()));
  const client = new ECRClient({ region: 'us-east-1' });
  deps = {
    configVersions: configs,
    configsBucket: BUCKET,
    readConfig: (key) => readS3Text(fx.s3, BUCKET, key),
    describeImage: (ref) => client.send(new DescribeImagesCommand({ repositoryName: ref.repository, imageIds: [{ imageDigest: ref.digest }] })),
  };
  await fx.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'momo/v1.json', Body: JSON.stringify(config) }));
  await fx.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'momo/broken.json', Body: JSON.stringify({ strategy: 'momo', parameters: { x: { type: 'float' } } }) }));
  const base = { strategy: 'momo', image: `${REPO}@${DIGEST}`, created_at: '2026-01-01T00:00:00Z', source: 'strategy-registrar' as const };
  await configs.append({ ...base, config_key: 'momo/v1.json' });
  await configs.append({ ...base, config_key: 'momo/v1.json' });
  await configs.append({ ...base, config_key: 'momo/missing.json' });
  await configs.append({ ...base, config_key: 'momo/broken.json' });
  // A strategy whose image is pinned by tag only, and one whose config file names another strategy.
  await fx.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tagged/v1.json', Body: JSON.stringify({ ...config, strategy: 'tagged' }) }));
  await configs.append({ ...base, strategy: 'tagged', image: `${REPO}:v7`, config_key: 'tagged/v1.json' });
  await configs.append({ ...base, strategy: 'mixed', config_key: 'momo/v1.json' });
});
afterAll(async () => {
  await Promise.all([db.stop(), fx.stop()]);
});
beforeEach(() => {
  ecr.reset();
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] });
});

describe('validateStrategy', () => {
  it('returns the pinned image, config and merged parameters of the requested version', async () => {
    const out = await validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 2, parameters: { lookback: 14 } });
    expect(out).toEqual({ workflowId: 'bt-1', strategy: 'momo', configVersion: 2, image: `${REPO}@${DIGEST}`, configKey: 'momo/v1.json', parameters: { stopLoss: 0.1, lookback: 14 } });
    expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momo', imageIds: [{ imageDigest: DIGEST }] });
  });

  it('is repeatable (duplicate delivery gives the same answer)', async () => {
    const input = { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: {} };
    expect(await validateStrategy(deps, input)).toEqual(await validateStrategy(deps, input));
  });

  it('names an unknown strategy, a missing version and a missing config file', async () => {
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'nope', parameters: {} })).rejects.toThrow(
      new NotFoundError('unknown strategy nope: no config version registered'),
    );
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 9, parameters: {} })).rejects.toThrow('strategy momo has no config version 9');
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 3, parameters: {} })).rejects.toThrow(
      `config file s3://${BUCKET}/momo/missing.json of momo v3 does not exist`,
    );
  });

  it('uses the latest version by default and reports a malformed config by field', async () => {
    // The message names the file it came from, so an operator can open the bad config.
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', parameters: {} })).rejects.toThrow(/^invalid strategy config s3:\/\/\S+\/momo\/broken\.json: parameters\.x\.type/);
  });

  it('refuses a config file that names another strategy', async () => {
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'mixed', parameters: {} })).rejects.toThrow(
      new ValidationError(`invalid strategy config s3://${BUCKET}/momo/v1.json: strategy: is "momo", expected "mixed"`, 'strategy'),
    );
  });

  it('names a config file missing as NotFound (HeadObject style) and surfaces other S3 errors', async () => {
    const notFound = { ...deps, readConfig: () => Promise.reject(Object.assign(new Error('Not Found'), { name: 'NotFound' })) };
    await expect(validateStrategy(notFound, { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: {} })).rejects.toThrow(
      new NotFoundError(`config file s3://${BUCKET}/momo/v1.json of momo v1 does not exist`),
    );
    const denied = { ...deps, readConfig: () => Promise.reject(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' })) };
    await expect(validateStrategy(denied, { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: {} })).rejects.toThrow('Access Denied');
  });

  it('holds the declared parameter range exactly: min and max accepted, one step outside refused', async () => {
    const run = (stopLoss: number) => validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: { stopLoss } });
    expect((await run(0)).parameters.stopLoss).toBe(0);
    expect((await run(0.5)).parameters.stopLoss).toBe(0.5);
    expect((await run(0.49)).parameters.stopLoss).toBe(0.49);
    await expect(run(0.51)).rejects.toThrow(/parameters\.stopLoss: must be <= 0\.5, got 0\.51/);
    await expect(run(-0.01)).rejects.toThrow(/parameters\.stopLoss: must be >= 0, got -0\.01/);
  });

  it('refuses bad parameters naming them', async () => {
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: { stopLoss: 2 } })).rejects.toThrow(
      new ValidationError('invalid parameters: parameters.stopLoss: must be <= 0.5, got 2', 'parameters.stopLoss'),
    );
  });

  it('reports a missing image and surfaces an ECR outage', async () => {
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('not there'), { name: 'ImageNotFoundException' }));
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: {} })).rejects.toThrow(
      `image ${REPO}@${DIGEST} of momo v1 is not in ECR (ImageNotFoundException)`,
    );
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('no repo'), { name: 'RepositoryNotFoundException' }));
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: {} })).rejects.toThrow(
      new NotFoundError(`image ${REPO}@${DIGEST} of momo v1 is not in ECR (RepositoryNotFoundException)`),
    );
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(validateStrategy(deps, { workflowId: 'bt-1', strategy: 'momo', configVersion: 1, parameters: {} })).rejects.toThrow('throttled');
  });
});

describe('handler', () => {
  it('validates the task input naming the field and runs against the configured table and bucket', async () => {
    const restore = setLambdaEnv('validate-strategy', {
      ...db.tableEnv(),
      CONFIGS_BUCKET: BUCKET,
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_ENDPOINT_URL_S3: fx.endpoint,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({ workflowId: 'bt-1', strategy: 'Bad Name' })).rejects.toThrow(/^invalid validate-strategy input: strategy: /);
      let out: unknown;
      const logs = await captureLogs(async () => {
        out = await handler({ workflowId: 'bt-1', strategy: 'momo', configVersion: 1 });
      });
      expect(out).toMatchObject({ configVersion: 1, image: `${REPO}@${DIGEST}` });
      expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momo', imageIds: [{ imageDigest: DIGEST }] });
      expect(logs).toEqual([
        expect.objectContaining({ level: 'INFO', service: 'validate-strategy', message: 'strategy valid', workflowId: 'bt-1', strategy: 'momo', configVersion: 1 }),
      ]);
      // An image pinned by tag only is looked up by that tag.
      await captureLogs(() => handler({ workflowId: 'bt-2', strategy: 'tagged' }));
      expect(ecr).toHaveReceivedCommandWith(DescribeImagesCommand, { repositoryName: 'tradai/strategy-momo', imageIds: [{ imageTag: 'v7' }] });
    } finally {
      restore();
    }
  });
});
