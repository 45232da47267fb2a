import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient, type ServiceInputTypes as LambdaIn, type ServiceOutputTypes as LambdaOut, type LambdaClientResolvedConfig } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, type SFNClientResolvedConfig, type ServiceInputTypes as SfnIn, type ServiceOutputTypes as SfnOut } from '@aws-sdk/client-sfn';
import { MlflowClient, createDocumentClient } from '@tradai/domain';
import { LOCAL_AWS, startDynalite, startFakeMlflow, startFauxqs, type Dynalite, type FakeMlflow, type Fauxqs } from '@tradai/domain/testing';
import type { ServiceApp } from '@tradai/service-runtime';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { buildBackendApp, type BackendAppOptions } from './app.js';
import type { BackendConfig } from './config.js';
import { depsFrom, type BackendDeps } from './deps.js';

/** Test-only: the emulators, the mocked Step Functions and Lambda clients, and the app over them. */
export interface Harness {
  readonly db: Dynalite;
  readonly aws: Fauxqs;
  readonly mlflow: FakeMlflow;
  readonly sfn: AwsStub<SfnIn, SfnOut, SFNClientResolvedConfig>;
  readonly lambda: AwsStub<LambdaIn, LambdaOut, LambdaClientResolvedConfig>;
  readonly config: Omit<BackendConfig, 'service'>;
  readonly deps: BackendDeps;
  readonly app: ServiceApp;
  /** An app whose chosen dependencies point at a closed port (the outage case); the others are the emulators. */
  outageApp(down: { dynamodb?: boolean; s3?: boolean; mlflow?: boolean }): Promise<ServiceApp>;
  stop(): Promise<void>;
}

export const NOW = new Date('2026-06-01T12:00:00Z');
export const BACKTEST_SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:tradai-backtest-test';
export const RETRAINING_SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:tradai-retraining-test';
export const RESULTS_BUCKET = 'tradai-results-test';

/** A port nothing listens on: connections are refused at once. */
const CLOSED = 'http://127.0.0.1:9';

export async function startHarness(opts: BackendAppOptions = {}): Promise<Harness> {
  const [db, aws, mlflow] = await Promise.all([startDynalite(), startFauxqs(), startFakeMlflow()]);
  const tables = await db.createTables(['workflow_state', 'deployments', 'trading_state', 'config_versions']);
  await aws.s3.send(new CreateBucketCommand({ Bucket: RESULTS_BUCKET }));
  const sfnClient = new SFNClient(LOCAL_AWS);
  const lambdaClient = new LambdaClient(LOCAL_AWS);
  const sfn = mockClient(sfnClient);
  const lambda = mockClient(lambdaClient);
  const config: Omit<BackendConfig, 'service'> = {
    tables: { workflows: tables.workflow_state, deployments: tables.deployments, trading: tables.trading_state, configVersions: tables.config_versions },
    resultsBucket: RESULTS_BUCKET,
    backtestWorkflowArn: BACKTEST_SM,
    retrainingWorkflowArn: RETRAINING_SM,
    mlflowTrackingUri: mlflow.url,
    functions: { rollback: 'tradai-rollback-test', promoteModel: 'tradai-promote-model-test' },
    heartbeatStaleSeconds: 180,
  };
  const deps = depsFrom(config, { doc: db.doc, s3: aws.s3, sfn: sfnClient, lambda: lambdaClient, now: () => NOW });
  const app = await buildBackendApp(deps, { logLevel: 'silent', ...opts });
  const downClients: { destroy(): void }[] = [];
  return {
    db,
    aws,
    mlflow,
    sfn,
    lambda,
    config,
    deps,
    app,
    async outageApp(down) {
      // maxAttempts 1: the SDK's retries would only slow the test down; the answer is the same.
      const ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: CLOSED, maxAttempts: 1 });
      const s3 = new S3Client({ ...LOCAL_AWS, endpoint: CLOSED, forcePathStyle: true, maxAttempts: 1 });
      downClients.push(ddb, s3);
      const d = depsFrom(config, {
        doc: down.dynamodb ? createDocumentClient(ddb) : db.doc,
        s3: down.s3 ? s3 : aws.s3,
        sfn: sfnClient,
        lambda: lambdaClient,
        mlflow: new MlflowClient(down.mlflow ? `${CLOSED}/mlflow` : mlflow.url),
        now: () => NOW,
      });
      const a = await buildBackendApp(d, { logLevel: 'silent', ...opts });
      downClients.push({ destroy: () => void a.close() });
      return a;
    },
    async stop() {
      await app.close();
      for (const c of downClients) c.destroy();
      sfn.restore();
      lambda.restore();
      await Promise.all([db.stop(), aws.stop(), mlflow.stop()]);
    },
  };
}

/** A problem document's essentials, for compact assertions. */
export function problemOf(res: { statusCode: number; headers: Record<string, unknown>; body: string }): { status: number; detail: string; errors?: { path: string; message: string }[]; type: string } {
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`not a problem document (${res.statusCode}): ${res.body}`);
  return JSON.parse(res.body) as { status: number; detail: string; errors?: { path: string; message: string }[]; type: string };
}
