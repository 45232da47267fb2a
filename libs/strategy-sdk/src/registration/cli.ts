/**
 * `tsx libs/strategy-sdk/src/registration/cli.ts --name=<strategy> --env=<env>`: the second half of a
 * strategy project's `deploy` (after `push`). Needs AWS credentials; without them it stops before
 * any write and says so.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { loadStrategy } from '../load.js';
import { registerStrategyImage, type PushedImage } from './registration.js';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { name: { type: 'string' }, env: { type: 'string', default: 'dev' } } });
  if (!values.name) throw new Error('--name is required (the strategy project)');
  if (!ENVIRONMENTS.includes(values.env!)) throw new Error(`--env must be one of ${ENVIRONMENTS.join(', ')}, got "${values.env}"`);
  const root = process.cwd();
  const strategy = await loadStrategy(values.name, root);
  const manifestPath = join(root, 'dist', 'images', 'strategies', `${values.name}.json`);
  let image: PushedImage;
  try {
    image = JSON.parse(readFileSync(manifestPath, 'utf8')) as PushedImage;
  } catch {
    throw new Error(`${manifestPath} is missing: run \`npx nx run strategy-${values.name}:push -c ${values.env}\` first`);
  }
  const sts = new STSClient({});
  try {
    await sts.config.credentials();
  } catch {
    throw new Error('no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for the target account; nothing was registered');
  }
  const gitSha = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const r = await registerStrategyImage(
    { ecr: new ECRClient({}), s3: new S3Client({}), sns: new SNSClient({}), sts },
    { strategy, image, env: values.env!, gitSha, now: new Date() },
  );
  console.log(`registered ${r.message.strategy} ${r.message.imageTag} (${r.message.imageDigest}): config s3://${r.configBucket}/${r.message.configKey}, message ${r.messageId} on ${r.topicArn}`);
}

main().catch((err) => {
  console.error(`register: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
