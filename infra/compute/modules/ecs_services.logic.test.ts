import { execFileSync } from 'node:child_process';
import { API_ROUTES, ENV, TABLE_KEYS, tableEnvName, type TableKey } from '@tradai/contracts';
import { BUCKET_KEYS, SERVICES, SERVICE_NAMES, loadConfig, type BucketKey, type ServiceName } from '@tradai/infra-shared';
import { describe, expect, it } from 'vitest';
import { SERVICE_ACCESS, bucketEnvName, mergeAccess } from './access.logic.js';
import {
  DB_SECRET_KEYS,
  capacityProviderStrategy,
  cognitoClientIds,
  containerHealthCheck,
  deploymentLimits,
  fargateServices,
  parseRdsEndpoint,
  serviceCommand,
  serviceContainerDefinition,
  serviceEnvironment,
  serviceSecrets,
  type ServiceEnvRefs,
} from './ecs_services.logic.js';

const refs: ServiceEnvRefs<string> = {
  env: 'dev',
  region: 'eu-central-1',
  tableNames: Object.fromEntries(TABLE_KEYS.map((t) => [t, `tbl-${t}`])) as Record<TableKey, string>,
  bucketNames: Object.fromEntries(BUCKET_KEYS.map((b) => [b, `bkt-${b}`])) as Record<BucketKey, string>,
  backtestQueueUrl: 'https://sqs/queue',
  alertsTopicArn: 'arn:aws:sns:eu-central-1:123456789012:tradai-alerts-dev',
  workflowArns: { backtest: 'arn:backtest', retraining: 'arn:retraining' },
  dbHost: 'db.host',
  dbPort: '5432',
  dbName: 'mlflow',
  mlflowArtifactRoot: 's3://bkt-mlflow/artifacts',
  cognitoUserPoolId: 'eu-central-1_AbC123',
  cognitoClientIds: 'webclient,m2mclient',
  tradingStrategy: 'ma-crossover',
};
const SECRET = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-x-AbCdEf';

describe('which services run on Fargate', () => {
  it('dev/staging: the three not consolidated; prod: all seven', () => {
    expect(fargateServices(loadConfig('dev'))).toEqual(['live-trading', 'dry-run-trading', 'shadow-trading']);
    expect(fargateServices(loadConfig('staging'))).toEqual(['live-trading', 'dry-run-trading', 'shadow-trading']);
    expect(fargateServices(loadConfig('prod'))).toEqual(SERVICE_NAMES);
    expect(fargateServices(loadConfig('dev', { consolidatedMode: 'false' }))).toHaveLength(7);
  });
});

describe('capacity provider strategy', () => {
  it('live-trading never runs on Spot, in any environment', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) {
      expect(capacityProviderStrategy('live-trading', env)).toEqual([{ capacityProvider: 'FARGATE', weight: 1, base: 0 }]);
    }
  });

  it('spot-tolerant services: Spot outside prod; in prod one on-demand task as a floor', () => {
    expect(capacityProviderStrategy('dry-run-trading', 'dev').map((s) => s.capacityProvider)).toEqual(['FARGATE_SPOT']);
    const prod = capacityProviderStrategy('backend-api', 'prod');
    expect(prod).toContainEqual({ capacityProvider: 'FARGATE', weight: 1, base: 1 });
    expect(prod.find((s) => s.capacityProvider === 'FARGATE_SPOT')!.base).toBe(0);
    for (const s of SERVICE_NAMES) if (!SERVICES[s].spot) expect(capacityProviderStrategy(s, 'prod').some((p) => p.capacityProvider === 'FARGATE_SPOT')).toBe(false);
  });
});

describe('service environment', () => {
  it.each(SERVICE_NAMES)('%s: its tables and buckets, port and health path, never a credential', (service: ServiceName) => {
    const env = serviceEnvironment(service, refs);
    const access = SERVICE_ACCESS[service];
    expect(env['SERVICE_PORT']).toBe(String(SERVICES[service].port));
    expect(env['HEALTH_PATH']).toBe(SERVICES[service].healthCheckPath);
    expect(env[ENV.environment]).toBe('dev');
    expect(env[ENV.serviceDiscoveryNamespace]).toBe('tradai-dev.local');
    for (const t of TABLE_KEYS) expect(env[tableEnvName(t)], t).toBe(access.tables[t] ? `tbl-${t}` : undefined);
    for (const b of BUCKET_KEYS) expect(env[bucketEnvName(b)], b).toBe(access.buckets[b] ? `bkt-${b}` : undefined);
    // EXCHANGE_SECRET_ID names the secret the task role reads at start; the keys themselves never are in the env.
    expect(Object.keys(env).filter((k) => /PASSWORD|USERNAME|SECRET/.test(k) && k !== ENV.exchangeSecretId)).toEqual([]);
    if (env[ENV.exchangeSecretId] !== undefined) expect(env[ENV.exchangeSecretId]).toBe('tradai/dev/exchange-credentials');
  });

  it('backend-api: both workflows (cancel, retrain), the promote and rollback functions and MLflow; not the queue', () => {
    const env = serviceEnvironment('backend-api', refs);
    expect(env).toMatchObject({
      BACKTEST_WORKFLOW_ARN: 'arn:backtest',
      RETRAINING_WORKFLOW_ARN: 'arn:retraining',
      ROLLBACK_FUNCTION_NAME: 'tradai-rollback-dev',
      PROMOTE_MODEL_FUNCTION_NAME: 'tradai-promote-model-dev',
      MLFLOW_TRACKING_URI: 'http://mlflow.tradai-dev.local:5000/mlflow',
    });
    // POST /backtests goes from API Gateway to SQS: the service never sends to the queue.
    expect(env).not.toHaveProperty('BACKTEST_QUEUE_URL');
  });

  it('mlflow: database location and artifact root; credentials only as ECS secrets', () => {
    expect(serviceEnvironment('mlflow', refs)).toMatchObject({ DB_HOST: 'db.host', DB_PORT: '5432', DB_NAME: 'mlflow', MLFLOW_ARTIFACT_ROOT: 's3://bkt-mlflow/artifacts' });
    expect(serviceSecrets('mlflow', SECRET)).toEqual([
      { name: 'DB_USERNAME', valueFrom: `${SECRET}:username::` },
      { name: 'DB_PASSWORD', valueFrom: `${SECRET}:password::` },
    ]);
    for (const s of SERVICE_NAMES.filter((x) => x !== 'mlflow')) expect(serviceSecrets(s, SECRET)).toEqual([]);
    expect(Object.keys(DB_SECRET_KEYS)).toEqual(['DB_USERNAME', 'DB_PASSWORD']);
  });

  it('the API services get the user pool and the accepted client ids (what requireAccess reads); no other service does', () => {
    const verifying = SERVICE_NAMES.filter((s) => SERVICE_ACCESS[s].verifiesTokens);
    expect(verifying.sort()).toEqual(['backend-api', 'data-collection', 'strategy-service']);
    for (const s of verifying) {
      expect(serviceEnvironment(s, refs), s).toMatchObject({ COGNITO_USER_POOL_ID: 'eu-central-1_AbC123', COGNITO_CLIENT_IDS: 'webclient,m2mclient' });
    }
    for (const s of SERVICE_NAMES.filter((x) => !verifying.includes(x))) {
      expect(Object.keys(serviceEnvironment(s, refs)).filter((k) => k.startsWith('COGNITO_')), s).toEqual([]);
    }
    expect([ENV.cognitoUserPoolId, ENV.cognitoClientIds]).toEqual(['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_IDS']);
  });

  it('every service API_ROUTES sends authenticated calls to checks tokens, except MLflow (a stock image behind the gateway authorizer)', () => {
    const targets = new Set(API_ROUTES.filter((r) => r.auth && r.target !== 'sqs:backtest' && r.target !== 'mlflow').map((r) => r.target as ServiceName));
    expect([...targets].sort()).toEqual(SERVICE_NAMES.filter((s) => SERVICE_ACCESS[s].verifiesTokens).sort());
  });

  it('the consolidated host role sees the flag of any service it runs', () => {
    expect(mergeAccess([SERVICE_ACCESS.mlflow, SERVICE_ACCESS['data-collection']]).verifiesTokens).toBe(true);
    expect(mergeAccess([SERVICE_ACCESS.mlflow]).verifiesTokens).toBe(false);
  });

  it('cognitoClientIds joins the web and M2M client ids, refusing an empty or comma-bearing id', () => {
    expect(cognitoClientIds('web', ' m2m ')).toBe('web,m2m');
    expect(() => cognitoClientIds('', 'm2m')).toThrow('cognito client ids must be non-empty');
    expect(() => cognitoClientIds('a,b', 'm2m')).toThrow('contain no comma');
  });

  it('trading services know their mode, strategy and bot id (one bot per mode and strategy)', () => {
    expect(serviceEnvironment('live-trading', refs)).toMatchObject({ TRADING_MODE: 'live', STRATEGY: 'ma-crossover', BOT_ID: 'live-ma-crossover' });
    expect(serviceEnvironment('dry-run-trading', refs)).toMatchObject({ TRADING_MODE: 'dry-run', STRATEGY: 'ma-crossover', BOT_ID: 'dry-run-ma-crossover' });
    expect(serviceEnvironment('shadow-trading', refs)).toMatchObject({ TRADING_MODE: 'shadow', STRATEGY: 'ma-crossover', BOT_ID: 'shadow-ma-crossover' });
    for (const k of ['TRADING_MODE', 'STRATEGY', 'BOT_ID']) expect(serviceEnvironment('backend-api', refs)).not.toHaveProperty(k);
  });

  it('without tradai:tradingStrategy a trading service gets its mode but no STRATEGY/BOT_ID (compute warns)', () => {
    const { tradingStrategy: _, ...without } = refs;
    const env = serviceEnvironment('shadow-trading', without);
    expect(env['TRADING_MODE']).toBe('shadow');
    expect(env).not.toHaveProperty('STRATEGY');
    expect(env).not.toHaveProperty('BOT_ID');
  });

  it('trading bots get the alerts topic and where their state and candles go; only live gets the exchange secret', () => {
    for (const s of ['live-trading', 'dry-run-trading', 'shadow-trading'] as const) {
      expect(serviceEnvironment(s, refs), s).toMatchObject({ [ENV.alertsTopicArn]: refs.alertsTopicArn, [ENV.resultsBucket]: refs.bucketNames.results, ARCTICDB_BUCKET: refs.bucketNames.arcticdb });
    }
    expect(serviceEnvironment('live-trading', refs)[ENV.exchangeSecretId]).toBe('tradai/dev/exchange-credentials');
    for (const s of SERVICE_NAMES.filter((x) => x !== 'live-trading')) expect(serviceEnvironment(s, refs), s).not.toHaveProperty(ENV.exchangeSecretId);
    expect(serviceEnvironment('backend-api', refs)).not.toHaveProperty(ENV.alertsTopicArn);
  });
});

describe('container definition', () => {
  it('port, health check, secrets and logs of a service', () => {
    const def = serviceContainerDefinition('mlflow', {
      image: 'repo@sha256:1',
      environment: [{ name: 'A', value: 'b' }],
      secrets: serviceSecrets('mlflow', SECRET),
      logGroup: '/ecs/tradai-mlflow-dev',
      region: 'eu-central-1',
    });
    expect(def.portMappings).toEqual([{ name: 'mlflow', containerPort: 5000, hostPort: 5000, protocol: 'tcp' }]);
    expect(def.secrets).toHaveLength(2);
    expect(def.healthCheck.command[1]).toContain('http://127.0.0.1:5000/mlflow/health');
    expect(def.logConfiguration.options['awslogs-group']).toBe('/ecs/tradai-mlflow-dev');
    const node = serviceContainerDefinition('backend-api', { image: 'x', environment: [], secrets: [], logGroup: 'g', region: 'r' });
    expect(node).not.toHaveProperty('secrets');
    expect(node).not.toHaveProperty('command');
    expect(containerHealthCheck('backend-api')[1]).toContain("fetch('http://127.0.0.1:8000/health')");
  });

  it('the MLflow command builds a URL-encoded store URI from the secret (run with python3 when available)', () => {
    const [sh, flag, script] = serviceCommand('mlflow')!;
    expect([sh, flag]).toEqual(['sh', '-c']);
    expect(script).toContain('exec mlflow server --host 0.0.0.0 --port 5000 --static-prefix /mlflow');
    expect(script).not.toMatch(/password=|DB_PASSWORD=/);
    let python = true;
    try {
      execFileSync('python3', ['--version']);
    } catch {
      python = false;
    }
    if (!python) return;
    // Swap the server for an echo and run the same shell + python as the container would.
    const probe = script!.replace(/exec mlflow server .*/, 'echo "$MLFLOW_BACKEND_STORE_URI"').replace('python -c', 'python3 -c');
    const out = execFileSync('sh', ['-c', probe], {
      env: { PATH: process.env['PATH'], DB_USERNAME: 'tradai_admin', DB_PASSWORD: 'p@ss:w/rd%#?', DB_HOST: 'db.host', DB_PORT: '5432', DB_NAME: 'mlflow' },
    }).toString();
    expect(out.trim()).toBe('postgresql://tradai_admin:p%40ss%3Aw%2Frd%25%23%3F@db.host:5432/mlflow');
  });

  it('trading bots are replaced stop-first; others roll without capacity loss', () => {
    expect(deploymentLimits('live-trading')).toEqual({ minimumHealthyPercent: 0, maximumPercent: 100 });
    expect(deploymentLimits('backend-api')).toEqual({ minimumHealthyPercent: 100, maximumPercent: 200 });
  });

  it('parseRdsEndpoint splits host and port, and names a bad value', () => {
    expect(parseRdsEndpoint('db.example:5432')).toEqual({ host: 'db.example', port: '5432' });
    expect(() => parseRdsEndpoint('db.example')).toThrow('rds_endpoint "db.example" is not host:port');
  });
});
