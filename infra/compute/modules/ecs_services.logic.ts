import { ENV, functionEnvName, tableEnvName, type TableKey } from '@tradai/contracts';
import {
  SERVICES,
  SERVICE_NAMES,
  getMlflowTrackingUri,
  getResourceName,
  getSdNamespace,
  isConsolidatedMode,
  type BucketKey,
  type Environment,
  type ServiceName,
  type TradaiConfig,
} from '@tradai/infra-shared';
import { SERVICE_ACCESS, bucketEnvName } from './access.logic.js';
import { exchangeSecretName, type Workflow } from './arns.js';
import { awslogs, type ContainerEnv } from './ecs.logic.js';

/**
 * Services that run as Fargate services: all seven, except that in consolidated mode the four
 * consolidated services run on the EC2 host instead (dev/staging: 3 Fargate services).
 */
export function fargateServices(cfg: TradaiConfig): ServiceName[] {
  return SERVICE_NAMES.filter((s) => !(isConsolidatedMode(cfg) && SERVICES[s].consolidated));
}

export interface CapacityProviderShare {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  readonly weight: number;
  readonly base: number;
}

/**
 * Capacity provider strategy of a service. live-trading (SERVICES spot: false) never runs on
 * Spot: an interruption would drop open positions. Spot-tolerant services run on Spot; in prod one
 * task (base 1) stays on on-demand FARGATE so a Spot reclaim never takes the service to zero.
 */
export function capacityProviderStrategy(service: ServiceName, env: Environment): CapacityProviderShare[] {
  if (!SERVICES[service].spot) return [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }];
  if (env === 'prod') {
    return [
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ];
  }
  return [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }];
}

/** Upstream values a service environment is built from; `V` is string in tests, an Output in the stack. */
export interface ServiceEnvRefs<V> {
  readonly env: Environment;
  readonly region: V;
  readonly tableNames: Readonly<Record<TableKey, V>>;
  readonly bucketNames: Readonly<Record<BucketKey, V>>;
  readonly backtestQueueUrl: V;
  /** foundation sns_alerts_topic_arn (services with publishesAlerts). */
  readonly alertsTopicArn: V;
  readonly workflowArns: Readonly<Record<Workflow, V>>;
  /** RDS endpoint host and port, database name (MLflow's metadata store). */
  readonly dbHost: V;
  readonly dbPort: V;
  readonly dbName: V;
  /** `s3://<mlflow bucket>/artifacts` (see mlflowArtifactRoot). */
  readonly mlflowArtifactRoot: V;
  /** persistent `cognito_user_pool_id`: whose tokens the API services accept. */
  readonly cognitoUserPoolId: V;
  /** `<cognito_user_pool_client_id>,<cognito_m2m_client_id>` (see cognitoClientIds). */
  readonly cognitoClientIds: V;
  /** tradai:tradingStrategy: the strategy the three trading services run (without it they get no STRATEGY/BOT_ID). */
  readonly tradingStrategy?: string;
}

/** Variables the service images read for their name, port and health path (libs/service-runtime serviceConfig). */
export const SERVICE_RUNTIME_ENV = { name: 'SERVICE_NAME', port: 'SERVICE_PORT', healthPath: 'HEALTH_PATH' } as const;

const TRADING_MODE: Partial<Record<ServiceName, 'live' | 'dry-run' | 'shadow'>> = {
  'live-trading': 'live',
  'dry-run-trading': 'dry-run',
  'shadow-trading': 'shadow',
};

/**
 * A service's environment (names -> values), from SERVICE_ACCESS: table and bucket names, the
 * backtest queue, workflow ARNs, invoked functions, MLflow, and for MLflow its database location.
 * Credentials are never here: see serviceSecrets.
 */
export function serviceEnvironment<V>(service: ServiceName, refs: ServiceEnvRefs<V>): Record<string, V | string> {
  const s = SERVICES[service];
  const a = SERVICE_ACCESS[service];
  const env: Record<string, V | string> = {
    [ENV.environment]: refs.env,
    [SERVICE_RUNTIME_ENV.name]: service,
    [SERVICE_RUNTIME_ENV.port]: String(s.port),
    [SERVICE_RUNTIME_ENV.healthPath]: s.healthCheckPath,
    [ENV.serviceDiscoveryNamespace]: getSdNamespace(refs.env),
    // SDKs differ in which one they read (JS v3: AWS_REGION, boto3: AWS_DEFAULT_REGION).
    AWS_REGION: refs.region,
    AWS_DEFAULT_REGION: refs.region,
  };
  for (const t of Object.keys(a.tables) as TableKey[]) env[tableEnvName(t)] = refs.tableNames[t];
  for (const b of Object.keys(a.buckets) as BucketKey[]) env[bucketEnvName(b)] = refs.bucketNames[b];
  if (a.sendsBacktests) env[ENV.backtestQueueUrl] = refs.backtestQueueUrl;
  if (a.publishesAlerts) env[ENV.alertsTopicArn] = refs.alertsTopicArn;
  // A name, not an ARN: GetSecretValue takes either, and the ARN's random suffix is unknown here.
  if (a.readsExchangeSecret) env[ENV.exchangeSecretId] = exchangeSecretName(refs.env);
  const workflows = new Set([...(a.startsWorkflows ?? []), ...(a.managesExecutions ?? [])]);
  if (workflows.has('backtest')) env[ENV.backtestWorkflowArn] = refs.workflowArns.backtest;
  if (workflows.has('retraining')) env[ENV.retrainingWorkflowArn] = refs.workflowArns.retraining;
  for (const f of a.invokes ?? []) env[functionEnvName(f)] = getResourceName(f, refs.env);
  if (a.callsMlflow) env[ENV.mlflowTrackingUri] = getMlflowTrackingUri(refs.env);
  if (a.verifiesTokens) {
    env[ENV.cognitoUserPoolId] = refs.cognitoUserPoolId;
    env[ENV.cognitoClientIds] = refs.cognitoClientIds;
  }
  if (a.database) {
    env['DB_HOST'] = refs.dbHost;
    env['DB_PORT'] = refs.dbPort;
    env['DB_NAME'] = refs.dbName;
    env['MLFLOW_ARTIFACT_ROOT'] = refs.mlflowArtifactRoot;
  }
  const mode = TRADING_MODE[service];
  if (mode) Object.assign(env, tradingEnvironment(mode, refs.tradingStrategy));
  return env;
}

/**
 * A trading service's bot variables (libs/trading-engine readBotEnv): its mode and, given
 * tradai:tradingStrategy, the strategy and BOT_ID `<mode>-<strategy>` (one bot per mode and
 * strategy; trading_state is per environment). Without it the bots refuse to start, naming both.
 */
function tradingEnvironment(mode: string, strategy: string | undefined): Record<string, string> {
  return { TRADING_MODE: mode, ...(strategy && { STRATEGY: strategy, BOT_ID: `${mode}-${strategy}` }) };
}

/** Names of the credential variables injected from the RDS secret. */
export const DB_SECRET_KEYS = { DB_USERNAME: 'username', DB_PASSWORD: 'password' } as const;

/**
 * ECS `secrets` of a service: the RDS credentials, fetched by the execution role from Secrets
 * Manager when the task starts (`<secretArn>:<json key>::`), never written into the task definition.
 */
export function serviceSecrets(service: ServiceName, rdsSecretArn: string): { name: string; valueFrom: string }[] {
  if (!SERVICE_ACCESS[service].database) return [];
  return Object.entries(DB_SECRET_KEYS).map(([name, key]) => ({ name, valueFrom: `${rdsSecretArn}:${key}::` }));
}

/** Where the consolidated host mounts the RDS secret JSON for MLflow (compose file secret). */
export const DB_SECRET_FILE_ENV = 'DB_SECRET_FILE';

/**
 * Python (in the MLflow image) printing the PostgreSQL URI with URL-encoded credentials, read from
 * DB_USERNAME/DB_PASSWORD (Fargate: ECS secrets) or the secret JSON at $DB_SECRET_FILE
 * (consolidated host: a compose file secret). Credentials reach no file, image or plan.
 */
const BUILD_DB_URI = [
  'import json,os,urllib.parse as u',
  `f=os.environ.get("${DB_SECRET_FILE_ENV}")`,
  's=json.load(open(f)) if f else {"username":os.environ["DB_USERNAME"],"password":os.environ["DB_PASSWORD"]}',
  'q=lambda v:u.quote(v,safe="")',
  'print("postgresql://%s:%s@%s:%s/%s"%(q(s["username"]),q(s["password"]),os.environ["DB_HOST"],os.environ["DB_PORT"],os.environ["DB_NAME"]))',
].join('\n');

/**
 * Container command override: MLflow needs its store URI assembled from the secret at start
 * (same server flags as docker/mlflow.Dockerfile); other services use their image's CMD.
 */
export function serviceCommand(service: ServiceName): string[] | undefined {
  if (service !== 'mlflow') return undefined;
  const script = BUILD_DB_URI.replace(/'/g, `'\\''`);
  return [
    'sh',
    '-c',
    `MLFLOW_BACKEND_STORE_URI="$(python -c '${script}')" && export MLFLOW_BACKEND_STORE_URI && ` +
      `exec mlflow server --host 0.0.0.0 --port ${SERVICES.mlflow.port} --static-prefix /mlflow ` +
      `--backend-store-uri "$MLFLOW_BACKEND_STORE_URI" --default-artifact-root "$MLFLOW_ARTIFACT_ROOT"`,
  ];
}

/**
 * COGNITO_CLIENT_IDS: the web (hosted UI) client and the M2M client, whose access tokens the
 * services accept. An empty id would make the service refuse every token of that client, so it
 * fails the deployment instead.
 */
export function cognitoClientIds(webClientId: string, m2mClientId: string): string {
  const ids = [webClientId, m2mClientId].map((id) => id.trim());
  if (ids.some((id) => id === '' || id.includes(','))) throw new Error(`cognito client ids must be non-empty and contain no comma, got "${webClientId}", "${m2mClientId}"`);
  return ids.join(',');
}

/** Where MLflow stores artifacts: `s3://<mlflow bucket>/artifacts`. */
export function mlflowArtifactRoot(bucket: string): string {
  return `s3://${bucket}/artifacts`;
}

/**
 * Container health check: an HTTP GET on the service's health path from inside the container,
 * with the runtime the image has (node for the Node services, python for MLflow).
 */
export function containerHealthCheck(service: ServiceName): string[] {
  const s = SERVICES[service];
  const url = `http://127.0.0.1:${s.port}${s.healthCheckPath}`;
  const probe =
    service === 'mlflow'
      ? `python -c "import urllib.request; urllib.request.urlopen('${url}', timeout=4)"`
      : `node -e "fetch('${url}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`;
  return ['CMD-SHELL', probe];
}

export interface ServiceContainerInputs {
  readonly image: string;
  readonly environment: readonly ContainerEnv[];
  readonly secrets: readonly { name: string; valueFrom: string }[];
  readonly logGroup: string;
  readonly region: string;
}

/** A service's container definition (ECS JSON, camelCase). */
export function serviceContainerDefinition(service: ServiceName, i: ServiceContainerInputs) {
  const s = SERVICES[service];
  const command = serviceCommand(service);
  return {
    name: service,
    image: i.image,
    essential: true,
    portMappings: [{ name: service, containerPort: s.port, hostPort: s.port, protocol: 'tcp' }],
    environment: [...i.environment],
    ...(i.secrets.length ? { secrets: [...i.secrets] } : {}),
    ...(command ? { command } : {}),
    logConfiguration: awslogs(i.logGroup, i.region, service),
    healthCheck: { command: containerHealthCheck(service), interval: 30, timeout: 5, retries: 3, startPeriod: service === 'mlflow' ? 120 : 30 },
    stopTimeout: service === 'live-trading' ? 120 : 30,
  };
}

/**
 * Deployment limits: trading bots are singletons (two live bots side by side during a rolling
 * deploy would place every order twice), so the old task stops before the new one starts;
 * the others roll with no capacity loss.
 */
export function deploymentLimits(service: ServiceName): { minimumHealthyPercent: number; maximumPercent: number } {
  return TRADING_MODE[service] ? { minimumHealthyPercent: 0, maximumPercent: 100 } : { minimumHealthyPercent: 100, maximumPercent: 200 };
}

/** `host:5432` (RDS endpoint output) -> host and port. */
export function parseRdsEndpoint(endpoint: string): { host: string; port: string } {
  const m = /^([^:]+):(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`rds_endpoint "${endpoint}" is not host:port`);
  return { host: m[1]!, port: m[2]! };
}
