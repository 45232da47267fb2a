/**
 * The whole platform on 127.0.0.1 (`nx run platform:serve`): emulators (dynalite; fauxqs for SQS,
 * SNS, S3; a fake MLflow; a fake Binance), the Step Functions / ECR / Lambda APIs over the real
 * handlers and the rendered state machines, backtest-consumer's SQS event source, the three API
 * services as processes with the compute stack's environment, and the gateway in front.
 * Resources come from the stacks' own definitions: TABLE_SCHEMAS, the foundation queue settings,
 * the persistent bucket names, serviceEnvironment(), planRoutes().
 *
 * Not started yet: the trading services (live / dry-run / shadow). A dry-run bot process would be
 * one more entry in SERVICE_PROCESSES (processes.ts), its env from serviceEnvironment('dry-run-trading').
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ENV, SERVICE_ENDPOINTS, TABLE_KEYS, type TableKey } from '@tradai/contracts';
import { parseEvent, StrategyConfigFile } from '@tradai/domain';
import { localTableName } from '@tradai/domain/testing';
import { findWorkspaceRoot, getResourceName, type BucketKey } from '@tradai/infra-shared';
import { fixtureOutputs } from '@tradai/infra-shared/testing';
import { fakeContext } from '@tradai/lambda-core/testing';
import { createTokenVerifier, startLocalIdp, type LocalIdp } from '@tradai/service-runtime';
import { startFakeExchange, type FakeExchange } from '@tradai/testing-tools';
import type { SQSEvent, SQSBatchResponse } from 'aws-lambda';
import type { FastifyInstance } from 'fastify';
import { mockArnContext, renderFixtureWorkflow } from '../../../infra/compute/test-support.js';
import { stateMachineArn } from '../../../infra/compute/modules/arns.js';
import { serviceEnvironment } from '../../../infra/compute/modules/ecs_services.logic.js';
import { MAX_RECEIVE_COUNT, redrivePolicy } from '../../../infra/foundation/modules/sqs.logic.js';
import { startAwsApi, type AwsApi, type LocalImage } from './aws-api.js';
import { startSqsEventSource, type SqsEventSource } from './event-source.js';
import { LocalStepFunctions, type Execution, type StateMachineBinding } from './executions.js';
import { buildGateway } from './gateway.js';
import { WORKFLOW_HANDLERS, type WorkflowHandlerName } from './handlers.js';
import { startLocalPlatform, type LocalPlatform } from './local-platform.js';
import { assertPortsFree, platformPorts, SERVICE_PROCESSES, startService, type PlatformService, type ServiceProcess } from './processes.js';

export { SERVICE_PROCESSES, type PlatformService } from './processes.js';
import type { LambdaHandler } from './runner.js';
import { STRATEGY_IMAGES, processContainer, strategyImage, type StrategyImageName } from './strategy-image.js';

const ENVIRONMENT = 'dev' as const;

/** The strategies registered at start (a config version with an image reference each). */
export const REGISTERED_STRATEGIES: readonly StrategyImageName[] = ['ma-crossover', 'ml-classifier'];

/**
 * Sections of a registered config file beyond the declared parameters: the model-based strategy
 * trains on the last 30 days of hourly BTC/USDT (candles a data sync brings up to now).
 */
const STRATEGY_CONFIG_EXTRAS: Partial<Record<StrategyImageName, Partial<StrategyConfigFile>>> = {
  'ml-classifier': { training: { symbols: ['BTC/USDT'], timeframe: '1h', lookbackDays: 30 } },
};

export interface ServeOptions {
  /** Gateway port (default 8080). */
  readonly port?: number;
  /** Service ports (default: their SERVICE_ENDPOINTS ports, as in the task definitions). */
  readonly servicePorts?: Partial<Record<PlatformService, number>>;
  /** Candle store copied into the arcticdb bucket (default data/sample-store). */
  readonly sampleStore?: string;
  /** Where each process writes its log (default dist/platform/logs). */
  readonly logDir?: string;
  /** Progress lines while starting. */
  readonly log?: (line: string) => void;
}

export interface RunningPlatform {
  readonly url: string;
  readonly userToken: string;
  readonly m2mToken: string;
  readonly m2mClient: { readonly id: string; readonly secret: string };
  /** What runs where: name -> address (and pid for processes). */
  readonly components: readonly { name: string; where: string; pid?: number }[];
  readonly logDir: string;
  readonly startedInMs: number;
  stop(): Promise<void>;
}

/** Image digest of a strategy: the content hash of its sources, so a changed strategy is a new image. */
function strategyDigest(root: string, name: StrategyImageName): string {
  const hash = createHash('sha256');
  for (const f of ['strategy.ts', 'main.ts']) hash.update(readFileSync(join(root, 'apps', 'strategies', name, 'src', f)));
  return `sha256:${hash.digest('hex')}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

export async function startPlatform(options: ServeOptions = {}): Promise<RunningPlatform> {
  const began = Date.now();
  const log = options.log ?? (() => undefined);
  const root = findWorkspaceRoot(process.cwd());
  const { gateway: gatewayPort, services: ports, claims } = platformPorts(options.port, options.servicePorts);
  // Before anything starts: a busy port stops the whole start with its number.
  await assertPortsFree(claims);

  const logDir = options.logDir ?? join(root, 'dist', 'platform', 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };

  try {
    const exchange: FakeExchange = await startFakeExchange({ listedAt: Date.UTC(2024, 0, 1) });
    stops.push(() => exchange.stop());
    const idp: LocalIdp = await startLocalIdp({ webClientId: 'local-web-client', m2mClientId: 'local-m2m-client' });
    stops.push(() => idp.stop());

    const ctx = mockArnContext(ENVIRONMENT);
    const workflowArns = { backtest: stateMachineArn(ctx, 'backtest'), retraining: stateMachineArn(ctx, 'retraining') };
    const machines = new Map<string, StateMachineBinding>();
    const ended: Execution[] = [];
    const stepFunctions = new LocalStepFunctions(machines, (e) => {
      ended.push(e);
      log(`execution ${e.name}: ${e.status}${e.error ? ` (${e.error})` : ''}`);
    });
    stops.push(() => stepFunctions.stopAll());

    const images: LocalImage[] = REGISTERED_STRATEGIES.map((name) => ({ repositoryName: `tradai/strategy-${name}`, imageDigest: strategyDigest(root, name) }));
    const functions = new Map<string, LambdaHandler>();
    const awsApi: AwsApi = await startAwsApi({
      stepFunctions,
      images,
      invoke: (fn, event) => functions.get(fn)?.(event, fakeContext(fn)),
    });
    stops.push(() => awsApi.stop());

    const platform: LocalPlatform = await startLocalPlatform(
      {},
      {
        env: { AWS_ENDPOINT_URL_SFN: awsApi.endpoint, AWS_ENDPOINT_URL_ECR: awsApi.endpoint, AWS_ENDPOINT_URL_LAMBDA: awsApi.endpoint },
        lambdaEnv: { [ENV.backtestWorkflowArn]: workflowArns.backtest, [ENV.retrainingWorkflowArn]: workflowArns.retraining },
      },
    );
    stops.push(() => platform.stop());

    // Every bucket the persistent stack makes (the strategy task's four are there already).
    const bucketNames = fixtureOutputs('persistent', ENVIRONMENT).s3_bucket_ids;
    for (const bucket of Object.values(bucketNames)) {
      if (!Object.values(platform.buckets).includes(bucket)) platform.fx.server.createBucket(bucket);
    }
    // The foundation stack's queue pair: the backtest queue redrives to its DLQ after MAX_RECEIVE_COUNT receives.
    const dlq = platform.fx.server.createQueue(getResourceName('backtest-dlq', ENVIRONMENT));
    const queue = platform.fx.server.createQueue(getResourceName('backtest-queue', ENVIRONMENT), {
      attributes: { VisibilityTimeout: '30', RedrivePolicy: redrivePolicy(dlq.queueArn, MAX_RECEIVE_COUNT) },
    });

    const lambdas: Partial<Record<WorkflowHandlerName, LambdaHandler>> = {};
    for (const name of Object.keys(WORKFLOW_HANDLERS) as WorkflowHandlerName[]) {
      lambdas[name] = (await platform.handler(name)) as LambdaHandler;
      functions.set(getResourceName(name, ENVIRONMENT), lambdas[name]);
    }
    const container = processContainer({
      root,
      networkEnv: platform.awsEnv,
      mlflowUrl: platform.mlflow.url,
      onExit: (image, code, line) => {
        if (code !== 0) log(`strategy container ${image.split('/').at(-1)} exited ${code}: ${line}`);
      },
    });
    machines.set(workflowArns.backtest, { definition: renderFixtureWorkflow('backtest', ENVIRONMENT), tasks: { lambdas, container } });
    machines.set(workflowArns.retraining, { definition: renderFixtureWorkflow('retraining', ENVIRONMENT), tasks: { lambdas, container } });

    // The sample market-data store, as data-collection would have left it in the arcticdb bucket.
    const store = options.sampleStore ?? join(root, 'data', 'sample-store');
    for (const file of filesUnder(store)) {
      const key = relative(store, file).split(sep).join('/');
      await platform.fx.s3.send(new PutObjectCommand({ Bucket: platform.buckets.arcticdb, Key: key, Body: readFileSync(file) }));
    }
    // What strategy-registrar leaves for a pushed strategy image: its config file (under the key
    // registration uses, strategies/<name>/<tag>.json) and a config version pinned to the image digest.
    for (const [i, name] of REGISTERED_STRATEGIES.entries()) {
      const { default: strategy } = await STRATEGY_IMAGES[name]();
      const digest = images[i]!.imageDigest;
      const key = `strategies/${name}/local-${digest.slice('sha256:'.length, 'sha256:'.length + 12)}.json`;
      const file = parseEvent(StrategyConfigFile, { strategy: name, parameters: strategy.parameters, ...STRATEGY_CONFIG_EXTRAS[name] }, `${name} config file`);
      await platform.fx.s3.send(new PutObjectCommand({ Bucket: platform.buckets.configs, Key: key, Body: JSON.stringify(file) }));
      await platform.configVersions.append({ strategy: name, config_key: key, image: strategyImage(name, digest), created_at: new Date().toISOString(), source: 'strategy-registrar' });
    }

    const consumer = functions.get(getResourceName('backtest-consumer', ENVIRONMENT))!;
    const source: SqsEventSource = startSqsEventSource({
      sqs: platform.fx.sqs,
      queueUrl: queue.queueUrl,
      queueArn: queue.queueArn,
      region: platform.awsEnv['AWS_REGION'] ?? 'us-east-1',
      handler: (event: SQSEvent) => consumer(event, fakeContext(getResourceName('backtest-consumer', ENVIRONMENT))) as Promise<SQSBatchResponse>,
      onError: (err) => log(`backtest-consumer event source: ${err.message}`),
    });
    stops.push(() => source.stop());

    // The three services, each with the environment the compute stack builds, pointed at the emulators.
    const tableNames = Object.fromEntries(TABLE_KEYS.map((k: TableKey) => [k, localTableName(k)])) as Record<TableKey, string>;
    const envOf = (service: PlatformService): Record<string, string> => {
      const stack = serviceEnvironment(service, {
        env: ENVIRONMENT,
        region: platform.awsEnv['AWS_REGION'] ?? 'us-east-1',
        tableNames,
        bucketNames: bucketNames as Record<BucketKey, string>,
        backtestQueueUrl: queue.queueUrl,
        alertsTopicArn: platform.alertsTopicArn,
        workflowArns,
        dbHost: '',
        dbPort: '',
        dbName: '',
        mlflowArtifactRoot: '',
        cognitoUserPoolId: 'us-east-1_local',
        cognitoClientIds: `${idp.webClientId},${idp.m2mClientId}`,
      }) as Record<string, string>;
      return {
        ...stack,
        // What differs on a laptop: credentials and endpoints of the emulators, loopback, the local
        // issuer instead of the pool, MLflow's service-discovery name resolving to the fake.
        ...platform.awsEnv,
        AWS_ENDPOINT_URL_SFN: awsApi.endpoint,
        AWS_ENDPOINT_URL_LAMBDA: awsApi.endpoint,
        SERVICE_PORT: String(ports[service]),
        SERVICE_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...idp.env,
        ...(ENV.mlflowTrackingUri in stack ? { [ENV.mlflowTrackingUri]: platform.mlflow.url } : {}),
        ...(service === 'data-collection' ? { EXCHANGE_URL: exchange.url, SYNC_SINCE: '2024-01-01' } : {}),
      };
    };
    const services: ServiceProcess[] = [];
    const started = await Promise.allSettled(
      (Object.keys(SERVICE_PROCESSES) as PlatformService[]).map((s) =>
        startService(root, logDir, { name: s, main: SERVICE_PROCESSES[s], port: ports[s], healthPath: SERVICE_ENDPOINTS[s].healthPath, env: envOf(s) }),
      ),
    );
    for (const r of started) if (r.status === 'fulfilled') services.push(r.value);
    stops.push(async () => {
      await Promise.all(services.map((s) => s.stop()));
    });
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const m2mSecret = randomBytes(24).toString('base64url');
    const gateway: FastifyInstance = await buildGateway({
      verify: createTokenVerifier(idp.config),
      idp,
      m2mClientSecret: m2mSecret,
      sqs: platform.fx.sqs,
      backtestQueueUrl: queue.queueUrl,
      upstreams: { ...Object.fromEntries(services.map((s) => [s.name, s.url])), mlflow: new URL(platform.mlflow.url).origin },
    });
    await gateway.listen({ port: gatewayPort, host: '127.0.0.1' });
    stops.push(() => gateway.close());

    const url = `http://127.0.0.1:${gatewayPort}`;
    return {
      url,
      userToken: idp.userToken(['trader'], { username: 'local-trader' }),
      m2mToken: idp.m2mToken(['backtests.read', 'backtests.write', 'strategies.read', 'strategies.write', 'data.read', 'data.write']),
      m2mClient: { id: idp.m2mClientId, secret: m2mSecret },
      components: [
        { name: 'gateway (API_ROUTES, JWT, SQS integration)', where: url },
        ...services.map((s) => ({ name: s.name, where: s.url, pid: s.pid })),
        { name: 'DynamoDB (dynalite)', where: platform.db.endpoint },
        { name: 'SQS / SNS / S3 (fauxqs)', where: platform.fx.endpoint },
        { name: 'Step Functions / ECR / Lambda APIs', where: awsApi.endpoint },
        { name: 'MLflow (fake registry)', where: platform.mlflow.url },
        { name: 'identity provider (JWKS)', where: idp.jwksUri },
        { name: 'Binance (fake exchange)', where: exchange.url },
        { name: 'backtest queue', where: queue.queueUrl },
      ],
      logDir,
      startedInMs: Date.now() - began,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
