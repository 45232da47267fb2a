/**
 * `tsx libs/strategy-sdk/src/registration/cli.ts --name=<strategy> --env=<env>`: the second half of a
 * strategy project's `deploy` (after `push`). Needs AWS credentials; without them it stops before
 * any write and says so.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { ValidationError } from '@tradai/domain';
import { loadStrategy } from '../load.js';
import { registerStrategyImage, type PushedImage, type Registration, type RegistrationDeps } from './registration.js';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];

export interface RegisterCliOptions {
  /** Workspace root: where apps/strategies/<name> and dist/images/strategies/<name>.json are (default: process.cwd()). */
  readonly cwd?: string;
  /** AWS clients (default: the SDK's, from the ambient credentials). */
  readonly clients?: RegistrationDeps;
  /** The commit registered with the image (default: `git rev-parse HEAD`). */
  readonly gitSha?: () => string;
  readonly now?: () => Date;
  readonly stdout?: (line: string) => void;
}

const defaultClients = (): RegistrationDeps => ({ ecr: new ECRClient({}), s3: new S3Client({}), sns: new SNSClient({}), sts: new STSClient({}) });
const headSha = () => execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

/**
 * The command as a function. Every local input (flags, strategy, push manifest, credentials) is
 * checked before the first AWS call that writes; each failure names what to fix.
 */
export async function registerCli(argv: readonly string[], options: RegisterCliOptions = {}): Promise<Registration> {
  let values: { name?: string; env: string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { name: { type: 'string' }, env: { type: 'string', default: 'dev' } } }) as { values: { name?: string; env: string } });
  } catch (err) {
    throw new ValidationError((err as Error).message, 'argv');
  }
  if (!values.name) throw new ValidationError('--name is required (the strategy project)', 'name');
  if (!ENVIRONMENTS.includes(values.env)) throw new ValidationError(`--env must be one of ${ENVIRONMENTS.join(', ')}, got "${values.env}"`, 'env');
  const root = options.cwd ?? process.cwd();
  const strategy = await loadStrategy(values.name, root);
  const manifestPath = join(root, 'dist', 'images', 'strategies', `${values.name}.json`);
  let image: PushedImage;
  try {
    image = JSON.parse(await readFile(manifestPath, 'utf8')) as PushedImage;
  } catch {
    throw new ValidationError(`${manifestPath} is missing: run \`npx nx run strategy-${values.name}:push -c ${values.env}\` first`, 'name');
  }
  const clients = options.clients ?? defaultClients();
  try {
    await clients.sts.config.credentials();
  } catch {
    throw new ValidationError('no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for the target account; nothing was registered', 'credentials');
  }
  const r = await registerStrategyImage(clients, { strategy, image, env: values.env, gitSha: (options.gitSha ?? headSha)(), now: (options.now ?? (() => new Date()))() });
  (options.stdout ?? console.log)(
    `registered ${r.message.strategy} ${r.message.imageTag} (${r.message.imageDigest}): config s3://${r.configBucket}/${r.message.configKey}, message ${r.messageId} on ${r.topicArn}`,
  );
  return r;
}

// Run as a script (the strategy project's `deploy` target), not when a test imports it.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  registerCli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`register: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
