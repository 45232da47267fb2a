import { LAMBDA_NAMES, TABLE_KEYS } from '@tradai/contracts';
import { describe, expect, it } from 'vitest';
import {
  ALB_MAX_VALUES_PER_RULE,
  ALB_PATH_PATTERNS,
  API_ROUTES,
  API_THROTTLING,
  COGNITO_CONFIG,
  CONSOLIDATED_MODE,
  DYNAMODB_TABLES,
  EC2_CONSOLIDATED_CONFIG,
  ECR_REPOS,
  ENVIRONMENTS,
  LAMBDA_ECR_REPOS,
  LAMBDA_FUNCTIONS,
  LAMBDA_SCHEDULES,
  S3_BUCKETS,
  S3_BUCKET_CONFIG,
  SERVICES,
  SCHEDULED_LAMBDAS,
  allEcrRepoKeys,
  getDesiredCount,
  getEcrRepoName,
  getEnvShort,
  getMlflowTrackingUri,
  getRdsSettings,
  getResourceName,
  getSdNamespace,
  getTags,
  isConsolidatedMode,
  isScheduleExpression,
  isSkipAlb,
  loadConfig,
  namespaceValues,
  routeKey,
} from './index.js';

describe('config groups (seed section 3, DESIGN.md)', () => {
  it('SERVICES: 7 services from 6 images with the ports and health paths of DESIGN.md', () => {
    expect(Object.keys(SERVICES)).toHaveLength(7);
    expect(new Set(Object.values(SERVICES).map((s) => s.imageRepo))).toEqual(new Set(ECR_REPOS));
    expect(Object.fromEntries(Object.entries(SERVICES).map(([n, s]) => [n, s.port]))).toEqual({
      'backend-api': 8000, 'data-collection': 8002, 'strategy-service': 8003, mlflow: 5000,
      'live-trading': 8004, 'dry-run-trading': 8005, 'shadow-trading': 8006,
    });
    expect(SERVICES.mlflow.healthCheckPath).toBe('/mlflow/health');
    expect(SERVICES['shadow-trading'].imageRepo).toBe('dry-run-trading');
    expect(SERVICES['live-trading'].spot).toBe(false);
    expect(Object.entries(SERVICES).filter(([, s]) => s.alb).map(([n]) => n).sort()).toEqual(['backend-api', 'data-collection', 'mlflow', 'strategy-service']);
  });

  it('S3: 5 buckets, each with versioning and lifecycle config', () => {
    expect(Object.keys(S3_BUCKETS)).toEqual(['configs', 'results', 'arcticdb', 'logs', 'mlflow']);
    for (const key of Object.keys(S3_BUCKETS)) expect(S3_BUCKET_CONFIG[key as keyof typeof S3_BUCKETS].lifecycle.length).toBeGreaterThan(0);
    expect(S3_BUCKET_CONFIG.configs.versioning).toBe(true);
    expect(S3_BUCKET_CONFIG.results.versioning).toBe(false);
  });

  it('DynamoDB: the 12 tables of the seed, named tradai-<table>-<env>', () => {
    expect(Object.keys(DYNAMODB_TABLES)).toEqual([...TABLE_KEYS]);
    expect(TABLE_KEYS).toHaveLength(12);
    expect(getResourceName(DYNAMODB_TABLES.workflow_state, 'dev')).toBe('tradai-workflow-state-dev');
  });

  it('ECR: 6 service + 18 Lambda repositories, strategy repositories appended from config', () => {
    expect(ECR_REPOS).toEqual(['backend', 'data-collection', 'strategy-service', 'mlflow', 'live-trading', 'dry-run-trading']);
    expect(LAMBDA_ECR_REPOS).toHaveLength(18);
    expect(allEcrRepoKeys(['momentum'])).toHaveLength(25);
    expect(getEcrRepoName('backend')).toBe('tradai/backend');
  });

  it('Lambdas: 18 functions, 6 schedules, two deferred functions that need workflow ARNs', () => {
    expect(Object.keys(LAMBDA_FUNCTIONS).sort()).toEqual([...LAMBDA_NAMES].sort());
    expect(Object.keys(LAMBDA_SCHEDULES).sort()).toEqual([...SCHEDULED_LAMBDAS].sort());
    expect(SCHEDULED_LAMBDAS).toHaveLength(6);
    for (const name of SCHEDULED_LAMBDAS) expect(LAMBDA_FUNCTIONS[name].trigger).toBe('schedule');
    expect(Object.entries(LAMBDA_FUNCTIONS).filter(([, f]) => f.deferred).map(([n]) => n).sort()).toEqual(['backtest-consumer', 'drift-monitor']);
    for (const expr of Object.values(LAMBDA_SCHEDULES)) expect(isScheduleExpression(expr)).toBe(true);
  });

  it('Cognito: password min 12 with all character classes, MFA required', () => {
    expect(COGNITO_CONFIG.passwordPolicy).toMatchObject({ minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true });
    expect(COGNITO_CONFIG.mfaConfiguration).toBe('ON');
  });

  it('API: 22 unique routes (the seed 21 + sync job status); only /health is unauthenticated; backtest POST goes to SQS at 10 req/s', () => {
    expect(API_ROUTES).toHaveLength(22);
    expect(new Set(API_ROUTES.map(routeKey)).size).toBe(22);
    expect(API_ROUTES.filter((r) => !r.auth).map(routeKey)).toEqual(['GET /health']);
    expect(API_ROUTES.find((r) => routeKey(r) === 'POST /api/v1/backtests')?.target).toBe('sqs:backtest');
    expect(API_THROTTLING.default.rateLimit).toBe(100);
    expect(API_THROTTLING.routes['POST /api/v1/backtests'].rateLimit).toBe(10);
  });

  it('ALB path patterns: every routed service target has a pattern that matches its routes', () => {
    const toRegex = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    for (const route of API_ROUTES.filter((r) => r.target !== 'sqs:backtest')) {
      const concrete = route.path.replace(/\{[^}]+\}/g, 'x');
      const patterns = ALB_PATH_PATTERNS[route.target as keyof typeof ALB_PATH_PATTERNS] ?? [];
      expect(patterns.some((p) => toRegex(p).test(concrete)), `${routeKey(route)} -> ${route.target}`).toBe(true);
    }
    expect(ALB_MAX_VALUES_PER_RULE).toBe(5);
  });

  it('consolidated EC2: t3.small, 30 GB, the four ALB services', () => {
    expect(EC2_CONSOLIDATED_CONFIG).toMatchObject({ instanceType: 't3.small', volumeSizeGb: 30 });
    expect([...EC2_CONSOLIDATED_CONFIG.services].sort()).toEqual(['backend-api', 'data-collection', 'mlflow', 'strategy-service']);
    for (const s of EC2_CONSOLIDATED_CONFIG.services) expect(SERVICES[s].consolidated).toBe(true);
  });
});

describe('environment table (seed section 3)', () => {
  it.each([
    ['dev', 1, 'db.t4g.micro', 20, false, 7, 30, true, ['*']],
    ['staging', 1, 'db.t4g.micro', 20, false, 7, 30, true, []],
    ['prod', 2, 'db.t4g.small', 50, true, 14, 90, false, []],
  ] as const)('%s', (env, backendCount, rdsClass, storage, multiAz, backups, logDays, consolidated, cors) => {
    const cfg = loadConfig(env);
    expect(getDesiredCount('backend-api', env)).toBe(backendCount);
    expect(getDesiredCount('data-collection', env)).toBe(1);
    const rds = getRdsSettings(env);
    expect(rds).toMatchObject({ instanceClass: rdsClass, allocatedStorageGb: storage, multiAz, backupRetentionDays: backups, engineVersion: '15.13' });
    expect(cfg.logRetentionDays).toBe(logDays);
    expect(isConsolidatedMode(cfg)).toBe(consolidated);
    expect(CONSOLIDATED_MODE[env]).toBe(consolidated);
    expect(cfg.corsAllowedOrigins).toEqual(cors);
    expect(SERVICES['live-trading'].spot).toBe(false);
  });
});

describe('naming helpers', () => {
  it('follow the seed examples', () => {
    expect(getResourceName('workflow-state', 'dev')).toBe('tradai-workflow-state-dev');
    expect(getSdNamespace('dev')).toBe('tradai-dev.local');
    expect(getMlflowTrackingUri('dev')).toBe('http://mlflow.tradai-dev.local:5000/mlflow');
    expect(ENVIRONMENTS.map(getEnvShort)).toEqual(['d', 's', 'p']);
    expect(getTags('prod', 'mlflow')).toEqual({ Application: 'tradai', Environment: 'prod', EnvShort: 'p', ManagedBy: 'pulumi', Service: 'mlflow' });
    expect(getTags('dev')).not.toHaveProperty('Service');
  });
});

describe('loadConfig validation', () => {
  it('defaults: org "organization", no ALB skip, seed schedules', () => {
    const cfg = loadConfig('dev');
    expect(cfg.org).toBe('organization');
    expect(isSkipAlb(cfg)).toBe(false);
    expect(cfg.schedules).toEqual(LAMBDA_SCHEDULES);
  });

  it('applies overrides given as Pulumi config strings', () => {
    const cfg = loadConfig('prod', {
      org: 'acme',
      skipAlb: 'true',
      consolidatedMode: 'true',
      lambdaSchedules: '{"health-check":"rate(2 minutes)"}',
      strategyRepos: '["momentum","mean-reversion"]',
      alertEmails: '["ops@example.com"]',
    });
    expect(cfg).toMatchObject({ org: 'acme', skipAlb: true, consolidatedMode: true, strategyRepos: ['momentum', 'mean-reversion'], alertEmails: ['ops@example.com'] });
    expect(cfg.schedules['health-check']).toBe('rate(2 minutes)');
    expect(cfg.schedules['orphan-cleanup']).toBe(LAMBDA_SCHEDULES['orphan-cleanup']);
  });

  it.each([
    ['qa', {}, 'stack: unknown environment "qa"; allowed: dev, staging, prod'],
    ['dev', { lambdaSchedules: '{"health-check":"every 5 minutes"}' }, 'tradai:lambdaSchedules.health-check: is not an EventBridge schedule expression; allowed: rate('],
    ['dev', { lambdaSchedules: '{"nightly-report":"rate(1 day)"}' }, 'tradai:lambdaSchedules.nightly-report: no such scheduled Lambda; allowed: health-check'],
    ['dev', { lambdaSchedules: '{not json' }, 'tradai:lambdaSchedules: is not valid JSON'],
    ['dev', { alertEmails: '["ops-at-example.com"]' }, 'tradai:alertEmails.0: is not an email address'],
    ['dev', { strategyRepos: '["Bad_Name"]' }, 'tradai:strategyRepos.0: must be a lowercase slug'],
    ['dev', { strategyRepos: '["backend"]' }, 'tradai:strategyRepos.0: collides with a service or Lambda repository'],
    ['dev', { skipALB: 'true' }, 'tradai:skipALB: unknown config key; allowed: org, strategyRepos'],
    ['dev', { certificateArn: 'arn:aws:iam::1:cert' }, 'tradai:certificateArn: must be an ACM certificate ARN'],
    ['dev', { geoBlockCountries: '["Russia"]' }, 'tradai:geoBlockCountries.0: must be an ISO 3166 alpha-2 country code'],
  ])('%s %j -> %s', (stack, values, message) => {
    expect(() => loadConfig(stack, values)).toThrow(message);
  });

  it('tradingStrategy must name a strategy-<name> repository of strategyRepos', () => {
    const strategyRepos = '["strategy-ma-crossover","strategy-rsi-mean-reversion"]';
    expect(loadConfig('dev', { strategyRepos, tradingStrategy: 'rsi-mean-reversion' }).tradingStrategy).toBe('rsi-mean-reversion');
    expect(loadConfig('dev', { strategyRepos })).not.toHaveProperty('tradingStrategy');
    expect(() => loadConfig('dev', { strategyRepos, tradingStrategy: 'ml-classifier' })).toThrow(
      'tradai:tradingStrategy: "ml-classifier" is not a strategy of tradai:strategyRepos; allowed: ma-crossover, rsi-mean-reversion',
    );
    expect(() => loadConfig('dev', { tradingStrategy: 'ma-crossover' })).toThrow('tradai:tradingStrategy: "ma-crossover" is not a strategy of tradai:strategyRepos; allowed: (none');
    expect(() => loadConfig('dev', { strategyRepos, tradingStrategy: 'Ma' })).toThrow('tradai:tradingStrategy: must be a lowercase slug');
  });

  it('takes the tradai: keys of a stack config and drops other namespaces', () => {
    expect(namespaceValues({ 'tradai:org': 'acme', 'aws:region': 'eu-central-1', 'tradai:skipAlb': 'true' })).toEqual({ org: 'acme', skipAlb: 'true' });
  });

  it('schedule expressions: rate and six-field cron with exactly one "?"', () => {
    expect(isScheduleExpression('rate(1 minute)')).toBe(true);
    expect(isScheduleExpression('rate(1 minutes)')).toBe(false);
    expect(isScheduleExpression('rate(10 minutes)')).toBe(true);
    expect(isScheduleExpression('cron(0 12 * * ? *)')).toBe(true);
    expect(isScheduleExpression('cron(0 12 * * *)')).toBe(false);
    expect(isScheduleExpression('cron(0 12 ? * ? *)')).toBe(false);
  });
});
