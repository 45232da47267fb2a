import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ConfigVersionRepo,
  MlflowClient,
  Table,
  WorkflowRepo,
  createDocumentClient,
  createS3Client,
  type ConfigVersionItem,
  type DeploymentItem,
  type TradingItem,
  type WorkflowItem,
} from '@tradai/domain';
import type { BackendConfig } from './config.js';

/** Everything the routes touch, injected so tests point it at dynalite, fauxqs and the fake MLflow. */
export interface BackendDeps {
  readonly doc: DynamoDBDocumentClient;
  readonly workflows: WorkflowRepo;
  readonly deployments: Table<DeploymentItem>;
  readonly trading: Table<TradingItem>;
  readonly configVersions: ConfigVersionRepo;
  readonly s3: S3Client;
  readonly resultsBucket: string;
  readonly sfn: SFNClient;
  readonly backtestWorkflowArn: string;
  readonly retrainingWorkflowArn: string;
  readonly mlflow: MlflowClient;
  readonly lambda: LambdaClient;
  readonly functions: { readonly rollback: string; readonly promoteModel: string };
  readonly heartbeatStaleSeconds: number;
  readonly now: () => Date;
}

/** Clients for `config`, created once per process (they keep their connection pools). */
export function createDeps(config: BackendConfig, doc: DynamoDBDocumentClient = createDocumentClient(new DynamoDBClient({}))): BackendDeps {
  return depsFrom(config, { doc, s3: createS3Client(), sfn: new SFNClient({}), lambda: new LambdaClient({}) });
}

/** Deps over given clients (tests pass emulator-backed ones). */
export function depsFrom(
  config: Omit<BackendConfig, 'service'>,
  clients: { doc: DynamoDBDocumentClient; s3: S3Client; sfn: SFNClient; lambda: LambdaClient; mlflow?: MlflowClient; now?: () => Date },
): BackendDeps {
  const { doc } = clients;
  return {
    doc,
    workflows: new WorkflowRepo(new Table<WorkflowItem>(doc, 'workflow_state', config.tables.workflows)),
    deployments: new Table<DeploymentItem>(doc, 'deployments', config.tables.deployments),
    trading: new Table<TradingItem>(doc, 'trading_state', config.tables.trading),
    configVersions: new ConfigVersionRepo(new Table<ConfigVersionItem>(doc, 'config_versions', config.tables.configVersions)),
    s3: clients.s3,
    resultsBucket: config.resultsBucket,
    sfn: clients.sfn,
    backtestWorkflowArn: config.backtestWorkflowArn,
    retrainingWorkflowArn: config.retrainingWorkflowArn,
    mlflow: clients.mlflow ?? new MlflowClient(config.mlflowTrackingUri),
    lambda: clients.lambda,
    functions: config.functions,
    heartbeatStaleSeconds: config.heartbeatStaleSeconds,
    now: clients.now ?? (() => new Date()),
  };
}
