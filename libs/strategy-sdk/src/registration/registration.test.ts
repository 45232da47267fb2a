import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { RegistrationMessage, StrategyConfigFile } from '@tradai/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Strategy } from '../strategy.js';
import { configKeyFor, registerStrategyImage, strategyConfigFile } from './registration.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const URI = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-ma-crossover';
const strategy = {
  name: 'ma-crossover',
  description: 'test',
  timeframes: ['1h'],
  parameters: { fast: { type: 'number', integer: true, min: 2, default: 10 } },
  warmup: () => 0,
  signals: (c) => new Int8Array(c.length),
} satisfies Strategy;

const ecr = mockClient(ECRClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);
const deps = () => ({ ecr: new ECRClient({}), s3: new S3Client({}), sns: new SNSClient({ region: 'eu-central-1' }), sts: new STSClient({}) });
const input = { strategy, image: { repository: 'tradai/strategy-ma-crossover', tag: 'c-0123' }, env: 'dev', gitSha: 'abc123', now: new Date('2026-12-01T00:00:00Z') };

beforeEach(() => {
  for (const m of [ecr, s3, sns, sts]) m.reset();
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryUri: URI }] });
  s3.on(PutObjectCommand).resolves({});
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ci' });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('registerStrategyImage', () => {
  it('uploads the config file, then publishes the message strategy-registrar parses', async () => {
    const r = await registerStrategyImage(deps(), input);
    expect(r.configBucket).toBe('tradai-configs-dev');
    expect(r.topicArn).toBe('arn:aws:sns:eu-central-1:123456789012:tradai-registration-dev');
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'tradai-configs-dev', Key: configKeyFor('ma-crossover', 'c-0123') });
    // The uploaded file is what validate-strategy reads: the strategy's declared parameters.
    expect(StrategyConfigFile.parse(JSON.parse(put.Body as string))).toEqual({ strategy: 'ma-crossover', parameters: strategy.parameters });
    const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(RegistrationMessage.parse(JSON.parse(published.Message!))).toEqual({
      strategy: 'ma-crossover', imageRepository: URI, imageTag: 'c-0123', imageDigest: DIGEST,
      configKey: 'strategies/ma-crossover/c-0123.json', gitSha: 'abc123', registeredAt: '2026-12-01T00:00:00.000Z',
    });
    expect(published.TopicArn).toBe(r.topicArn);
  });

  it('refuses an image that is not in ECR, naming the push command, and writes nothing', async () => {
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('nope'), { name: 'ImageNotFoundException' }));
    await expect(registerStrategyImage(deps(), input)).rejects.toThrow('image tradai/strategy-ma-crossover:c-0123 is not in ECR (dev): push it first (npx nx run strategy-ma-crossover:push -c dev)');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('never publishes when the config upload fails', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(registerStrategyImage(deps(), input)).rejects.toThrow('denied');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('strategyConfigFile', () => {
  it('is the declared parameters, validated as the config schema', () => {
    expect(strategyConfigFile(strategy)).toEqual({ strategy: 'ma-crossover', parameters: strategy.parameters });
    expect(() => strategyConfigFile({ ...strategy, name: 'Bad Name' })).toThrow(/invalid strategy config: strategy:/);
  });
});

describe('registerStrategyImage: details', () => {
  const missing = 'image tradai/strategy-ma-crossover:c-0123 is not in ECR (dev): push it first (npx nx run strategy-ma-crossover:push -c dev)';

  it('refuses an image ECR lists without a digest, or a repository without a URI', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [] });
    await expect(registerStrategyImage(deps(), input)).rejects.toThrow(missing);
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] });
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] });
    await expect(registerStrategyImage(deps(), input)).rejects.toThrow(missing);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses a missing repository the same way, and passes other ECR errors on unchanged', async () => {
    ecr.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('no repo'), { name: 'RepositoryNotFoundException' }));
    await expect(registerStrategyImage(deps(), input)).rejects.toThrow(missing);
    ecr.on(DescribeRepositoriesCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(registerStrategyImage(deps(), input)).rejects.toThrow('throttled');
  });

  it('asks ECR for the pushed tag in the pushed repository', async () => {
    await registerStrategyImage(deps(), input);
    expect(ecr.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toEqual({ repositoryName: 'tradai/strategy-ma-crossover', imageIds: [{ imageTag: 'c-0123' }] });
    expect(ecr.commandCalls(DescribeRepositoriesCommand)[0]!.args[0].input).toEqual({ repositoryNames: ['tradai/strategy-ma-crossover'] });
  });

  it('uploads pretty JSON with a final newline to the bucket of the env, and returns the message id', async () => {
    const r = await registerStrategyImage(deps(), { ...input, env: 'prod' });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.ContentType).toBe('application/json');
    expect(put.Bucket).toBe('tradai-configs-prod');
    const body = put.Body as string;
    expect(body).toBe(`${JSON.stringify(JSON.parse(body), null, 2)}\n`);
    expect(r.messageId).toBe('m-1');
    expect(r.topicArn).toBe('arn:aws:sns:eu-central-1:123456789012:tradai-registration-prod');
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toBe('strategy ma-crossover c-0123');
  });

  it("takes the partition from the caller's ARN, and aws when there is none", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws-cn:iam::123456789012:user/ci' });
    expect((await registerStrategyImage(deps(), input)).topicArn).toBe('arn:aws-cn:sns:eu-central-1:123456789012:tradai-registration-dev');
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    expect((await registerStrategyImage(deps(), input)).topicArn).toBe('arn:aws:sns:eu-central-1:123456789012:tradai-registration-dev');
  });
});

describe('configKeyFor', () => {
  it('is one key per strategy and content tag', () => {
    expect(configKeyFor('ma-crossover', 'c-0123')).toBe('strategies/ma-crossover/c-0123.json');
  });
});
