/**
 * The platform's data plane on loopback for workflow tests: dynalite with every table the
 * persistent stack defines, fauxqs for S3 and the alerts topic (with an inbox queue to read what
 * was published), and the fake MLflow registry. The real handlers are loaded against it with the
 * env the compute stack would give them, so their module-scope SDK clients talk to the emulators.
 */
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ENV, functionEnvName, type LambdaName } from '@tradai/contracts';
import { getResourceName } from '@tradai/infra-shared';
import { ConfigVersionRepo, tableFromEnv, WorkflowRepo, type AlertNotification } from '@tradai/domain';
import { startDynalite, startFakeMlflow, startFauxqs, type Dynalite, type FakeMlflow, type FakeMlflowState, type Fauxqs } from '@tradai/domain/testing';
import { LOCAL_AWS_ENV, setLambdaEnv } from '@tradai/lambda-core/testing';
import { workflowFixtureInputs } from '../../../infra/compute/test-support.js';
import { WORKFLOW_HANDLERS, type WorkflowHandlerName } from './handlers.js';

/** The state machine ARN backtest-consumer is told to start. */
export const BACKTEST_WORKFLOW_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:tradai-backtest-dev';

export interface LocalPlatform {
  readonly db: Dynalite;
  readonly fx: Fauxqs;
  readonly mlflow: FakeMlflow;
  /** Bucket names the strategy container is given (from the rendered task definition). */
  readonly buckets: { readonly configs: string; readonly results: string; readonly arcticdb: string; readonly mlflow: string };
  readonly workflows: WorkflowRepo;
  readonly configVersions: ConfigVersionRepo;
  /** Loads a real handler with its Lambda env (once per test file: modules are cached). */
  handler<N extends WorkflowHandlerName>(name: N): Promise<Awaited<ReturnType<(typeof WORKFLOW_HANDLERS)[N]>>['handler']>;
  /** Everything local AWS clients need: region, credentials and the emulator endpoints. */
  readonly awsEnv: Readonly<Record<string, string>>;
  /** The alerts topic's ARN. */
  readonly alertsTopicArn: string;
  /** Alerts published on the alerts topic since the last call, in publish order. */
  alerts(): Promise<AlertNotification[]>;
  stop(): Promise<void>;
}

/** Bucket names the rendered strategy task definition gives its container. */
function containerBuckets(): LocalPlatform['buckets'] {
  const env = new Map(workflowFixtureInputs('dev').strategyEnvironment.map((e) => [e.name, e.value]));
  const value = (name: string): string => {
    const v = env.get(name);
    if (v === undefined) throw new Error(`the strategy task definition sets no ${name}`);
    return v;
  };
  return { configs: value(ENV.configsBucket), results: value(ENV.resultsBucket), arcticdb: value('ARCTICDB_BUCKET'), mlflow: value('MLFLOW_BUCKET') };
}

export interface LocalPlatformOptions {
  /** Process-wide variables set before any handler loads, e.g. AWS_ENDPOINT_URL_SFN of a local API. */
  readonly env?: Readonly<Record<string, string>>;
  /** Function variables beside the ones the compute stack sets (e.g. the retraining workflow ARN). */
  readonly lambdaEnv?: Readonly<Record<string, string>>;
}

export async function startLocalPlatform(mlflowState: Partial<Omit<FakeMlflowState, 'requests'>> = {}, options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const [db, fx, mlflow] = await Promise.all([startDynalite(), startFauxqs(), startFakeMlflow(mlflowState)]);
  await db.createTables();
  const buckets = containerBuckets();
  for (const bucket of Object.values(buckets)) fx.server.createBucket(bucket);
  const alertsTopicArn = fx.server.createTopic('tradai-alerts-dev').topicArn;
  const inbox = fx.server.createQueue('alerts-inbox').queueUrl;
  fx.server.subscribe({ topic: 'tradai-alerts-dev', queue: 'alerts-inbox' });

  // Process-wide for the whole file: SDK clients resolve endpoints from these on their first call.
  const global: Record<string, string> = {
    ...LOCAL_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_ENDPOINT_URL_S3: fx.endpoint,
    AWS_ENDPOINT_URL_SNS: fx.endpoint,
    AWS_ENDPOINT_URL_SQS: fx.endpoint,
    ...options.env,
  };
  const previous = new Map(Object.keys(global).map((k) => [k, process.env[k]]));
  Object.assign(process.env, global);

  // What the compute stack sets, with local names; each function reads only its own variables.
  const lambdaOverrides: Record<string, string> = {
    ...db.tableEnv(),
    [ENV.configsBucket]: buckets.configs,
    [ENV.resultsBucket]: buckets.results,
    [ENV.alertsTopicArn]: alertsTopicArn,
    [ENV.backtestWorkflowArn]: BACKTEST_WORKFLOW_ARN,
    [ENV.mlflowTrackingUri]: mlflow.url,
    [functionEnvName('rollback')]: getResourceName('rollback', 'dev'),
    ...options.lambdaEnv,
  };

  return {
    db,
    fx,
    mlflow,
    buckets,
    awsEnv: global,
    alertsTopicArn,
    workflows: new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv())),
    configVersions: new ConfigVersionRepo(tableFromEnv(db.doc, 'config_versions', db.tableEnv())),
    async handler(name) {
      // Module scope parses the env at import: set it for the import only, then restore.
      const restore = setLambdaEnv(name as LambdaName, lambdaOverrides);
      try {
        return (await WORKFLOW_HANDLERS[name]()).handler as never;
      } finally {
        restore();
      }
    },
    async alerts() {
      const out: AlertNotification[] = [];
      for (;;) {
        const res = await fx.sqs.send(new ReceiveMessageCommand({ QueueUrl: inbox, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (!res.Messages?.length) return out;
        for (const m of res.Messages) {
          out.push(JSON.parse(JSON.parse(m.Body!).Message) as AlertNotification);
          await fx.sqs.send(new DeleteMessageCommand({ QueueUrl: inbox, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    },
    async stop() {
      for (const [k, v] of previous) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await Promise.all([db.stop(), fx.stop(), mlflow.stop()]);
    },
  };
}
