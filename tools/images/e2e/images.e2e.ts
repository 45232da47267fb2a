/**
 * The images, built and started for real (`npx nx run images-e2e:e2e`; needs buildah, skopeo and
 * docker-registry: tools/ci/install-image-tools.sh). Public bases cannot be pulled here, so the run
 * first builds local ones from the workspace's Node 22 (tools/images/base-image.ts) and passes them
 * through the Dockerfiles' BASE_IMAGE argument; everything else is the production path: the
 * `image` and `push` commands of tools/images/cli.ts, the Dockerfiles of docker/, and each image
 * started with the environment the compute stack gives it (its env builders), plus local overrides
 * (a free port on loopback, S3 on a local fake, the sample candle store).
 * Writes sizes and timings to dist/images/sizes.json and prints them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { TABLE_KEYS, type TableKey } from '@tradai/contracts';
import { BacktestResultFile, reportKeyFor } from '@tradai/domain';
import { startFauxqs, type Fauxqs } from '@tradai/domain/testing';
import { BUCKET_KEYS, SERVICES, SERVICE_NAMES, type BucketKey, type ServiceName } from '@tradai/infra-shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnvironment } from '../../../infra/compute/modules/ecs_services.logic.js';
import { strategyEnvironment } from '../../../infra/compute/modules/ecs.logic.js';
import { lambdaEnvironment } from '../../../infra/compute/modules/lambda_funcs.logic.js';
import { container, containerToolsEnv, freePort, imageConfig, localLayers, missingTools, startRegistry, tool, waitForHttp, type LocalRegistry } from './harness.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const exec = promisify(execFile);

/** What is built: one Lambda, every TypeScript service image, one strategy (mlflow: see README, Images). */
const LAMBDA = 'check-retraining-needed';
const STRATEGY = 'ma-crossover';
const SERVICE_IMAGES = [...new Set(SERVICE_NAMES.filter((s) => s !== 'mlflow').map((s) => SERVICES[s].imageRepo))];
type Kind = 'lambda' | 'service' | 'strategy';
const IMAGES: readonly { kind: Kind; name: string }[] = [
  { kind: 'lambda', name: LAMBDA },
  ...SERVICE_IMAGES.map((name) => ({ kind: 'service' as const, name })),
  { kind: 'strategy', name: STRATEGY },
];

interface Manifest {
  readonly repository: string;
  readonly tag: string;
  readonly localImage: string;
  readonly baseImage?: string;
}

interface Built {
  readonly kind: Kind;
  readonly name: string;
  readonly manifest: Manifest;
  readonly manifestPath: string;
  readonly buildSeconds: number;
}

const work = mkdtempSync(join(tmpdir(), 'tradai-images-e2e-'));
const toolsEnv = containerToolsEnv(join(work, 'containers'));
const timings: Record<string, number> = {};
const built = new Map<string, Built>();
let bases: { node: string; lambda: string; nodeVersion: string };
let registry: LocalRegistry | undefined;
let fx: Fauxqs | undefined;
const sizes = new Map<string, { uncompressedBytes: number; ownBytes: number; compressedBytes?: number; digest?: string }>();

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    timings[label] = Number(((performance.now() - started) / 1000).toFixed(1));
  }
}

/** The images CLI, as the Nx targets run it (tsx), with this run's container storage. */
async function imagesCli(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'tools/images/cli.ts', ...args], { cwd: root, env: toolsEnv, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`images ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).slice(-3000)}`);
  }
}

const key = (kind: Kind, name: string) => `${kind}:${name}`;
function image(kind: Kind, name: string): Built {
  const b = built.get(key(kind, name));
  if (!b) throw new Error(`${kind} image ${name} was not built (see the beforeAll error)`);
  return b;
}

// Values the compute stack would read from the upstream stacks; only their shape matters here.
const region = 'eu-central-1';
const tableNames = Object.fromEntries(TABLE_KEYS.map((t) => [t, `tradai-${t.replaceAll('_', '-')}-dev`])) as Record<TableKey, string>;
const bucketNames = Object.fromEntries(BUCKET_KEYS.map((b) => [b, `tradai-${b}-dev`])) as Record<BucketKey, string>;
const alertsTopicArn = `arn:aws:sns:${region}:123456789012:tradai-alerts-dev`;
const workflowArns = {
  backtest: `arn:aws:states:${region}:123456789012:stateMachine:tradai-backtest-workflow-dev`,
  retraining: `arn:aws:states:${region}:123456789012:stateMachine:tradai-retraining-workflow-dev`,
};

/** Keeps every AWS call of a container on the local fake: no request can leave the machine. */
function localAws(): Record<string, string> {
  return { AWS_ENDPOINT_URL: fx!.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: region, AWS_EC2_METADATA_DISABLED: 'true' };
}

const strings = (env: Record<string, unknown>) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));

beforeAll(async () => {
  const missing = await missingTools();
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run tools/ci/install-image-tools.sh (as root) first`);
  const started = performance.now();
  bases = await timed('base images', async () => {
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'tools/images/base-image.ts', '--lambda'], { cwd: root, env: toolsEnv, timeout: 600_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as typeof bases;
  });
  for (const { kind, name } of IMAGES) {
    const manifestPath = join(work, 'manifests', `${kind}-${name}.json`);
    const base = kind === 'lambda' ? bases.lambda : bases.node;
    const label = `build ${kind} ${name}`;
    await timed(label, () => imagesCli(['image', `--kind=${kind}`, `--name=${name}`, `--base-image=${base}`, `--manifest=${manifestPath}`]));
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    built.set(key(kind, name), { kind, name, manifest, manifestPath, buildSeconds: timings[label]! });
  }
  const baseLayers = {
    node: new Set((await localLayers(bases.node, toolsEnv)).map((l) => l.digest)),
    lambda: new Set((await localLayers(bases.lambda, toolsEnv)).map((l) => l.digest)),
  };
  for (const b of built.values()) {
    const layers = await localLayers(b.manifest.localImage, toolsEnv);
    const own = b.kind === 'lambda' ? baseLayers.lambda : baseLayers.node;
    sizes.set(key(b.kind, b.name), { uncompressedBytes: layers.reduce((s, l) => s + l.size, 0), ownBytes: layers.filter((l) => !own.has(l.digest)).reduce((s, l) => s + l.size, 0) });
  }
  timings['setup total'] = Number(((performance.now() - started) / 1000).toFixed(1));
  fx = await startFauxqs();
  registry = await startRegistry(join(work, 'registry'));
}, 1_800_000);

afterAll(async () => {
  await registry?.stop();
  await fx?.stop();
  const report = {
    generatedAt: new Date().toISOString(),
    storageDriver: process.env.IMAGES_E2E_STORAGE_DRIVER || 'vfs',
    nodeVersion: bases?.nodeVersion,
    bases: bases ? { node: bases.node, lambda: bases.lambda } : undefined,
    images: [...built.values()].map((b) => ({ kind: b.kind, name: b.name, tag: b.manifest.tag, buildSeconds: b.buildSeconds, ...sizes.get(key(b.kind, b.name)) })),
    timingsSeconds: timings,
  };
  mkdirSync(join(root, 'dist', 'images'), { recursive: true });
  writeFileSync(join(root, 'dist', 'images', 'sizes.json'), `${JSON.stringify(report, null, 2)}\n`);
  const mb = (n?: number) => (n === undefined ? '-' : (n / 1e6).toFixed(1));
  console.log(['image sizes (MB; own = layers above the local base) -> dist/images/sizes.json', ...report.images.map((i) => `  ${`${i.kind} ${i.name}`.padEnd(34)} total ${mb(i.uncompressedBytes).padStart(6)}  own ${mb(i.ownBytes).padStart(5)}  pushed (gzip) ${mb(i.compressedBytes).padStart(6)}  build ${i.buildSeconds}s`), `timings (s): ${JSON.stringify(timings)}`].join('\n'));
  // Working containers left by a failed check first (buildah's own bookkeeping), then the folder: vfs layers are plain folders.
  await tool('buildah', ['rm', '--all'], toolsEnv).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}, 600_000);

/** The environment compute gives `service`. */
const computeServiceEnv = (service: ServiceName) =>
  strings(
    serviceEnvironment(service, {
      env: 'dev', region, tableNames, bucketNames, workflowArns, alertsTopicArn,
      backtestQueueUrl: `https://sqs.${region}.amazonaws.com/123456789012/tradai-backtest-queue-dev`,
      dbHost: 'db.local', dbPort: '5432', dbName: 'mlflow', mlflowArtifactRoot: 's3://tradai-mlflow-dev/artifacts',
      cognitoUserPoolId: `${region}_AbCdEfGhI`, cognitoClientIds: 'webclient,m2mclient', tradingStrategy: STRATEGY,
    }),
  );

/** That environment with this run's local overrides. */
async function serviceEnv(service: ServiceName): Promise<{ env: Record<string, string>; port: number }> {
  const port = await freePort();
  // chroot isolation shares the host's network: a free port, on loopback only.
  return { env: { ...computeServiceEnv(service), ...localAws(), SERVICE_PORT: String(port), SERVICE_HOST: '127.0.0.1' }, port };
}

// Bot services (compute gives them a TRADING_MODE) build their bot before they listen: see below.
const BOT_SERVICES = SERVICE_NAMES.filter((s) => s !== 'mlflow' && 'TRADING_MODE' in computeServiceEnv(s));
const API_SERVICES = SERVICE_NAMES.filter((s) => s !== 'mlflow' && !BOT_SERVICES.includes(s));

describe('service images', () => {
  it.each(API_SERVICES)('%s answers 200 on its health path, and the image HEALTHCHECK passes', async (service: ServiceName) => {
    const b = image('service', SERVICES[service].imageRepo);
    const config = await imageConfig(b.manifest.localImage, toolsEnv);
    expect(config.User).toBe('node');
    expect(config.Healthcheck?.Test[0]).toBe('CMD');
    const { env, port } = await serviceEnv(service);
    const ctr = await container(b.manifest.localImage, toolsEnv);
    const server = ctr.start(config.Cmd!, { env });
    try {
      const health = await waitForHttp(`http://127.0.0.1:${port}${SERVICES[service].healthCheckPath}`, 120_000, server.proc).catch((err: Error) => {
        throw new Error(`${err.message}\n--- container output ---\n${server.output()}`);
      });
      expect(health.status).toBe(200);
      // The probe ECS and compose would run, from inside the container, as the image's user.
      const probe = await ctr.exec(config.Healthcheck!.Test.slice(1), { env });
      expect(probe, probe.stderr).toMatchObject({ code: 0 });
    } finally {
      await ctr.stop(server.proc);
      await ctr.remove();
    }
  }, 300_000);

  // The trading services need their bot (its deployment or shadow test, config, an exchange) before
  // they listen. With compute's environment they get past the env checks (BOT_ID, STRATEGY are set)
  // and stop on the first thing this run cannot give them: live is refused outside prod (one line);
  // dry-run and shadow make their first AWS call, a DynamoDB Query (deployments / shadow_test_state
  // status-index), which the local fake (SQS and S3 only) cannot answer: one line naming the failure,
  // then its stack, and exit 1 (ECS restarts it). Turning this into the
  // health check above needs the bot's local platform here (tables, config, exchange fake).
  // shadow-trading runs the dry-run-trading image under its own name, port and mode.
  it.each(BOT_SERVICES)('%s starts as node and, given what compute sets, passes the env checks and stops at its first AWS call', async (service: ServiceName) => {
    const b = image('service', SERVICES[service].imageRepo);
    const config = await imageConfig(b.manifest.localImage, toolsEnv);
    expect(config.User).toBe('node');
    expect(config.Healthcheck?.Test[0]).toBe('CMD');
    const { env } = await serviceEnv(service);
    const mode = env.TRADING_MODE!;
    expect(env).toMatchObject({ STRATEGY, BOT_ID: `${mode}-${STRATEGY}` });
    const ctr = await container(b.manifest.localImage, toolsEnv);
    try {
      const run = await ctr.exec(config.Cmd!, { env }, 120_000);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).not.toContain('missing environment variable');
      if (mode === 'live') expect(run.stderr).toContain(`${service}: cannot start the live bot: live trading refused in dev: real orders run in prod only`);
      else expect(run.stderr).toContain(`${service}: cannot start the ${mode} bot: `);
    } finally {
      await ctr.remove();
    }
  }, 300_000);
});

describe('Lambda image', () => {
  it(`${LAMBDA}: the runtime's handler string finds the module and its handler, readable by an unprivileged user`, async () => {
    const b = image('lambda', LAMBDA);
    const config = await imageConfig(b.manifest.localImage, toolsEnv);
    expect(config.Cmd).toEqual(['index.handler']);
    const env = {
      ...strings(
        lambdaEnvironment(LAMBDA, {
          env: 'dev', tableNames, configsBucket: bucketNames.configs, resultsBucket: bucketNames.results,
          alertsTopicArn, clusterArn: `arn:aws:ecs:${region}:123456789012:cluster/tradai-dev`,
          m2mSecretArn: `arn:aws:secretsmanager:${region}:123456789012:secret:tradai-m2m-dev`, workflowArns,
        }),
      ),
      ...localAws(),
    };
    // What the Node.js runtime does with CMD "<module>.<export>": load <module>.mjs|.js|.cjs from
    // LAMBDA_TASK_ROOT and take the export. Then one invalid event: the handler must refuse it
    // (validation before any AWS call), which proves the module initialised.
    const load = `
      const [file, fn] = process.argv[1].split('.');
      const { existsSync } = await import('node:fs');
      const path = ['.mjs', '.js', '.cjs'].map((e) => process.env.LAMBDA_TASK_ROOT + '/' + file + e).find(existsSync);
      const mod = await import(path);
      const out = { path, type: typeof mod[fn] };
      try { await mod[fn]({ unexpected: true }); out.invoked = 'accepted'; } catch (e) { out.invoked = e.name + ': ' + e.message; }
      console.log(JSON.stringify(out));`;
    const ctr = await container(b.manifest.localImage, toolsEnv);
    try {
      // nobody: Lambda runs the function as its own least-privileged user, never root.
      const run = await ctr.exec(['node', '--input-type=module', '-e', load, config.Cmd![0]!], { env, user: '65534:65534' });
      expect(run, run.stderr).toMatchObject({ code: 0 });
      const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { path: string; type: string; invoked: string };
      expect(out.path).toBe('/var/task/index.mjs');
      expect(out.type).toBe('function');
      expect(out.invoked).toMatch(/^ValidationError: invalid check-retraining-needed input/);
    } finally {
      await ctr.remove();
    }
  }, 300_000);
});

describe('strategy image', () => {
  it(`${STRATEGY}: the task runs a backtest on the sample candle store and writes its result file`, async () => {
    const b = image('strategy', STRATEGY);
    const config = await imageConfig(b.manifest.localImage, toolsEnv);
    expect(config.User).toBe('node');
    const s3 = fx!.s3;
    for (const bucket of [bucketNames.configs, bucketNames.results]) await fx!.server.createBucket(bucket);
    const configKey = `${STRATEGY}/v1.json`;
    await s3.send(new PutObjectCommand({ Bucket: bucketNames.configs, Key: configKey, Body: JSON.stringify({ strategy: STRATEGY, version: 1, parameters: {} }) }));
    const resultKey = 'backtests/bt-images-e2e/result.json';
    const env = {
      ...strings(strategyEnvironment({ env: 'dev', resultsBucket: bucketNames.results, configsBucket: bucketNames.configs, arcticdbBucket: bucketNames.arcticdb, mlflowBucket: bucketNames.mlflow })),
      // The RunBacktest state's overrides (infra/compute/asl-templates).
      WORKFLOW_ID: 'bt-images-e2e',
      STRATEGY,
      CONFIG_KEY: configKey,
      CONFIG_VERSION: '1',
      PARAMETERS: '{}',
      RESULT_KEY: resultKey,
      TIMEFRAME: '1h',
      START_DATE: '2024-01-01T00:00:00Z',
      END_DATE: '2024-04-01T00:00:00Z',
      SYMBOLS: '["BTC/USDT","ETH/USDT"]',
      // The tiny local store instead of the arcticdb bucket, mounted read-only.
      MARKET_DATA_DIR: '/data',
      ...localAws(),
    };
    const ctr = await container(b.manifest.localImage, toolsEnv);
    try {
      const run = await ctr.exec(config.Cmd!, { env, volumes: [`${join(root, 'data', 'sample-store')}:/data:ro`] });
      expect(run, run.stderr).toMatchObject({ code: 0 });
      expect(run.stdout).toContain('"task finished"');
      const res = await s3.send(new GetObjectCommand({ Bucket: bucketNames.results, Key: resultKey }));
      const result = BacktestResultFile.parse(JSON.parse(await res.Body!.transformToString()));
      expect(result.strategy).toBe(STRATEGY);
      // Jan..Mar 2024 hourly, one point per candle.
      expect(result.equityCurve.length).toBeGreaterThan(2000);
      // The HTML report beside it, with the chart library the image ships inlined (no node_modules in it).
      const report = await (await s3.send(new GetObjectCommand({ Bucket: bucketNames.results, Key: reportKeyFor(resultKey) }))).Body!.transformToString();
      expect(report).toContain('window.LightweightCharts=');
    } finally {
      await ctr.remove();
    }
  }, 300_000);
});

describe('push to a registry on 127.0.0.1', () => {
  it.each(IMAGES.map((i) => [`${i.kind} ${i.name}`, i] as const))('%s: pushes, reads back tag, digest, user and command, then skips the same tag', async (_label, { kind, name }) => {
    const b = image(kind, name);
    const args = ['push', `--kind=${kind}`, `--name=${name}`, `--registry=${registry!.address}`, '--insecure', `--manifest=${b.manifestPath}`];
    const ref = `docker://${registry!.address}/${b.manifest.repository}:${b.manifest.tag}`;
    const first = await timed(`push ${kind} ${name}`, () => imagesCli(args));
    expect(first).toContain(`pushed ${registry!.address}/${b.manifest.repository}:${b.manifest.tag}`);

    const inspect = JSON.parse(await tool('skopeo', ['inspect', '--tls-verify=false', ref], toolsEnv)) as { Name: string; Digest: string; RepoTags: string[] };
    expect(inspect.Name).toBe(`${registry!.address}/${b.manifest.repository}`);
    expect(inspect.RepoTags).toContain(b.manifest.tag);
    expect(inspect.Digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const remote = JSON.parse(await tool('skopeo', ['inspect', '--config', '--tls-verify=false', ref], toolsEnv)) as { config: { User?: string; Entrypoint?: string[] | null; Cmd?: string[] } };
    const local = await imageConfig(b.manifest.localImage, toolsEnv);
    expect(remote.config.User ?? '').toBe(kind === 'lambda' ? '' : 'node');
    expect(remote.config.Entrypoint ?? []).toEqual(local.Entrypoint ?? []);
    expect(remote.config.Cmd).toEqual(local.Cmd);
    const manifest = JSON.parse(await tool('skopeo', ['inspect', '--raw', '--tls-verify=false', ref], toolsEnv)) as { layers: { size: number }[] };
    sizes.set(key(kind, name), { ...sizes.get(key(kind, name))!, compressedBytes: manifest.layers.reduce((s, l) => s + l.size, 0), digest: inspect.Digest });

    const again = await timed(`re-push ${kind} ${name}`, () => imagesCli(args));
    expect(again).toContain(`${b.manifest.repository}:${b.manifest.tag} is already in ${registry!.address}; nothing to push`);
    const after = JSON.parse(await tool('skopeo', ['inspect', '--tls-verify=false', ref], toolsEnv)) as { Digest: string };
    expect(after.Digest).toBe(inspect.Digest);
  }, 600_000);
});
