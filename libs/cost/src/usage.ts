import type { Environment } from '@tradai/infra-shared';

/**
 * Usage the usage-based line items are priced at. Nothing here is measured: these are stated
 * assumptions for a small trading research platform (a handful of users, a few bots), printed
 * with the report so a reader can disagree with a number rather than with a total.
 */
export interface UsageAssumptions {
  /** HTTP API requests per month (all routes). */
  readonly apiRequestsPerMonth: number;
  /** Backtests submitted per month (POST /api/v1/backtests -> SQS -> workflow -> strategy task). */
  readonly backtestsPerMonth: number;
  /** Wall-clock minutes of one backtest's strategy task. */
  readonly backtestTaskMinutes: number;
  /** Retraining workflow runs per month (most skip at the first Choice). */
  readonly retrainingsPerMonth: number;
  /** Retraining runs that actually train. */
  readonly trainingsPerMonth: number;
  readonly trainingTaskMinutes: number;
  /** Average Lambda duration when nothing better is known. */
  readonly lambdaAvgMs: number;
  /** Invocations per month of Lambdas invoked on demand (rollback, shadow-test-evaluator, deployment-verifier). */
  readonly onDemandInvocationsPerMonth: number;
  /** Notifications published to the alerts topic per month. */
  readonly alertsPerMonth: number;
  /** Strategy registrations per month. */
  readonly registrationsPerMonth: number;
  /** Average ALB load-balancer capacity units (low traffic: well under one). */
  readonly albLcu: number;
  /** GB stored per bucket component (`configs`, `results`, ...); `default` for others. */
  readonly s3GbByBucket: Readonly<Record<string, number>>;
  /** PUT-class and GET-class requests per bucket per month. */
  readonly s3PutsPerBucket: number;
  readonly s3GetsPerBucket: number;
  /** GB per DynamoDB table. */
  readonly dynamoGbPerTable: number;
  /** Write and read request units per table per month; `trading_state` gets bot heartbeats on top. */
  readonly dynamoWritesPerTable: number;
  readonly dynamoReadsPerTable: number;
  /** Trading bots writing a heartbeat a minute. */
  readonly tradingBots: number;
  /** GB of images kept per ECR repository (lifecycle policy keeps the last N). */
  readonly ecrGbPerRepository: number;
  /** CloudWatch Logs GB ingested per month by kind of log group. */
  readonly logsGb: { readonly lambdaPerFunction: number; readonly flowLogs: number; readonly ecsPerGroup: number; readonly other: number };
  /** Cognito monthly active users. */
  readonly cognitoMau: number;
  /** Machine-to-machine token requests per month (CI and scripts). */
  readonly m2mTokensPerMonth: number;
  /** GB through interface endpoints per month (image pulls, logs, API calls). */
  readonly endpointGb: number;
  /** GB the NAT would process per month (exchange APIs, package downloads). */
  readonly natGb: number;
  /** CodeArtifact GB stored. */
  readonly codeartifactGb: number;
  /** Secrets Manager API calls per secret per month (cached clients). */
  readonly secretCallsPerSecret: number;
}

const NON_PROD: UsageAssumptions = {
  apiRequestsPerMonth: 200_000,
  backtestsPerMonth: 300,
  backtestTaskMinutes: 15,
  retrainingsPerMonth: 120,
  trainingsPerMonth: 8,
  trainingTaskMinutes: 45,
  lambdaAvgMs: 800,
  onDemandInvocationsPerMonth: 100,
  alertsPerMonth: 500,
  registrationsPerMonth: 30,
  albLcu: 0.2,
  s3GbByBucket: { configs: 0.1, results: 5, arcticdb: 20, logs: 5, mlflow: 5, 'pulumi-state': 0.1, default: 1 },
  s3PutsPerBucket: 20_000,
  s3GetsPerBucket: 100_000,
  dynamoGbPerTable: 0.05,
  dynamoWritesPerTable: 30_000,
  dynamoReadsPerTable: 150_000,
  tradingBots: 2,
  ecrGbPerRepository: 0.5,
  logsGb: { lambdaPerFunction: 0.05, flowLogs: 2, ecsPerGroup: 0.3, other: 0.2 },
  cognitoMau: 10,
  m2mTokensPerMonth: 1_500,
  endpointGb: 20,
  natGb: 10,
  codeartifactGb: 1,
  secretCallsPerSecret: 10_000,
};

/** Per environment: staging as dev; prod with production traffic and data. */
export const USAGE_ASSUMPTIONS: Readonly<Record<Environment, UsageAssumptions>> = {
  dev: NON_PROD,
  staging: NON_PROD,
  prod: {
    ...NON_PROD,
    apiRequestsPerMonth: 2_000_000,
    backtestsPerMonth: 1_500,
    retrainingsPerMonth: 240,
    trainingsPerMonth: 20,
    onDemandInvocationsPerMonth: 500,
    alertsPerMonth: 2_000,
    albLcu: 0.5,
    s3GbByBucket: { configs: 0.5, results: 50, arcticdb: 200, logs: 30, mlflow: 30, 'pulumi-state': 0.2, default: 5 },
    s3PutsPerBucket: 200_000,
    s3GetsPerBucket: 1_000_000,
    dynamoGbPerTable: 0.5,
    dynamoWritesPerTable: 300_000,
    dynamoReadsPerTable: 1_500_000,
    tradingBots: 6,
    logsGb: { lambdaPerFunction: 0.2, flowLogs: 10, ecsPerGroup: 2, other: 1 },
    cognitoMau: 50,
    m2mTokensPerMonth: 5_000,
    endpointGb: 100,
    natGb: 50,
  },
};
