import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { RegistrationMessage, ValidationError } from '@tradai/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCli } from './cli.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const URI = '123456789012.dkr.ecr.eu-central-1.amazonaws.com/tradai/strategy-sma-cross';
const fixtureStrategy = fileURLToPath(new URL('../cli/__fixtures__/apps/strategies/sma-cross/src/strategy.ts', import.meta.url));

const ecr = mockClient(ECRClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const clients = (stsCredentials: STSClient['config']['credentials'] | typeof credentials = credentials) => ({
  ecr: new ECRClient({ region: 'eu-central-1', credentials }),
  s3: new S3Client({ region: 'eu-central-1', credentials }),
  sns: new SNSClient({ region: 'eu-central-1', credentials }),
  sts: new STSClient({ region: 'eu-central-1', credentials: stsCredentials }),
});

// A workspace of its own per test: the fixture strategy re-exported from it, the push manifest written (or not) by the test.
let root: string;
let lines: string[];
const options = (extra: object = {}) => ({ cwd: root, clients: clients(), gitSha: () => 'abc123', now: () => new Date('2026-12-01T00:00:00Z'), stdout: (l: string) => lines.push(l), ...extra });
const writeManifest = (text = JSON.stringify({ repository: 'tradai/strategy-sma-cross', tag: 'c-42' })) => {
  mkdirSync(join(root, 'dist', 'images', 'strategies'), { recursive: true });
  writeFileSync(join(root, 'dist', 'images', 'strategies', 'sma-cross.json'), text);
};
const nothingWritten = () => {
  expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'register-cli-'));
  mkdirSync(join(root, 'apps', 'strategies', 'sma-cross', 'src'), { recursive: true });
  writeFileSync(join(root, 'apps', 'strategies', 'sma-cross', 'src', 'strategy.ts'), `export { default } from ${JSON.stringify(fixtureStrategy)};\n`);
  lines = [];
  for (const m of [ecr, s3, sns, sts]) m.reset();
  ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST }] });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryUri: URI }] });
  s3.on(PutObjectCommand).resolves({});
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ci' });
  sns.on(PublishCommand).resolves({ MessageId: 'm-7' });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('registerCli', () => {
  it('registers the pushed image of the named strategy in the named env, and says where it went', async () => {
    writeManifest();
    const r = await registerCli(['--name=sma-cross', '--env=staging'], options());
    expect(r.configBucket).toBe('tradai-configs-staging');
    expect(ecr.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toEqual({ repositoryName: 'tradai/strategy-sma-cross', imageIds: [{ imageTag: 'c-42' }] });
    const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(RegistrationMessage.parse(JSON.parse(published.Message!))).toEqual({
      strategy: 'sma-cross', imageRepository: URI, imageTag: 'c-42', imageDigest: DIGEST,
      configKey: 'strategies/sma-cross/c-42.json', gitSha: 'abc123', registeredAt: '2026-12-01T00:00:00.000Z',
    });
    expect(lines).toEqual([
      `registered sma-cross c-42 (${DIGEST}): config s3://tradai-configs-staging/strategies/sma-cross/c-42.json, message m-7 on arn:aws:sns:eu-central-1:123456789012:tradai-registration-staging`,
    ]);
  });

  it('defaults to dev, and to the checkout\'s HEAD commit', async () => {
    writeManifest();
    const { gitSha: _injected, ...rest } = options();
    const r = await registerCli(['--name', 'sma-cross'], rest);
    expect(r.topicArn).toBe('arn:aws:sns:eu-central-1:123456789012:tradai-registration-dev');
    expect(r.message.gitSha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('names the field at fault in every refusal', async () => {
    const path = (run: Promise<unknown>) => run.then(() => 'resolved', (e: unknown) => (e instanceof ValidationError ? e.path : String(e)));
    expect(await path(registerCli(['--nope'], options()))).toBe('argv');
    expect(await path(registerCli([], options()))).toBe('name');
    expect(await path(registerCli(['--name=sma-cross', '--env=qa'], options()))).toBe('env');
    expect(await path(registerCli(['--name=sma-cross'], options()))).toBe('name');
    writeManifest();
    const none = async () => {
      throw new Error('no credentials');
    };
    expect(await path(registerCli(['--name=sma-cross'], options({ clients: clients(none) })))).toBe('credentials');
  });

  it('requires --name, and refuses an env that is not dev, staging or prod', async () => {
    writeManifest();
    await expect(registerCli([], options())).rejects.toThrow(/^--name is required \(the strategy project\)$/);
    await expect(registerCli(['--name=sma-cross', '--env=qa'], options())).rejects.toThrow(/^--env must be one of dev, staging, prod, got "qa"$/);
    for (const env of ['dev', 'staging', 'prod']) await expect(registerCli(['--name=sma-cross', `--env=${env}`], options())).resolves.toBeDefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(3);
  });

  it('refuses an unknown flag, naming it', async () => {
    await expect(registerCli(['--name=sma-cross', '--force'], options())).rejects.toThrow(/--force/);
    nothingWritten();
  });

  it('names the strategies that exist when the name is unknown', async () => {
    await expect(registerCli(['--name=nope'], options())).rejects.toThrow('unknown strategy "nope"; available: sma-cross');
    nothingWritten();
  });

  it('asks for the push first when the image manifest is missing or unreadable, before any AWS call', async () => {
    const manifest = join(root, 'dist', 'images', 'strategies', 'sma-cross.json');
    const message = `${manifest} is missing: run \`npx nx run strategy-sma-cross:push -c prod\` first`;
    await expect(registerCli(['--name=sma-cross', '--env=prod'], options())).rejects.toThrow(message);
    writeManifest('{not json');
    await expect(registerCli(['--name=sma-cross', '--env=prod'], options())).rejects.toThrow(message);
    expect(ecr.calls()).toHaveLength(0);
    nothingWritten();
  });

  it('stops before any AWS call when there are no credentials, saying nothing was registered', async () => {
    writeManifest();
    const none = async () => {
      throw new Error('Could not load credentials from any providers');
    };
    await expect(registerCli(['--name=sma-cross'], options({ clients: clients(none) }))).rejects.toThrow(
      'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for the target account; nothing was registered',
    );
    expect(ecr.calls()).toHaveLength(0);
    nothingWritten();
    expect(lines).toEqual([]);
  });
});
