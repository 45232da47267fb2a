import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { ENV } from '@tradai/contracts';
import { createDocumentClient, parseEvent, positiveIntSetting, ScheduledEvent, tableFromEnv, WorkflowRepo } from '@tradai/domain';
import { createLogger, lambdaEnv } from '@tradai/lambda-core';
import { cleanupOrphans, CleanupError, type CleanupDeps, type CleanupReport } from './run.js';

const env = lambdaEnv('orphan-cleanup');
const logger = createLogger('orphan-cleanup');
const ecs = new ECSClient({});
const cluster = env[ENV.ecsClusterArn]!;
const deps: CleanupDeps = {
  workflows: new WorkflowRepo(tableFromEnv(createDocumentClient(new DynamoDBClient({})), 'workflow_state', env)),
  listRunningTasks: async () => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const res = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING', nextToken }));
      arns.push(...(res.taskArns ?? []));
      nextToken = res.nextToken;
    } while (nextToken);
    const tasks = [];
    // DescribeTasks takes at most 100 tasks per call.
    for (let i = 0; i < arns.length; i += 100) {
      const res = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
      tasks.push(...(res.tasks ?? []));
    }
    return tasks;
  },
  stopTask: async (task, reason) => {
    await ecs.send(new StopTaskCommand({ cluster, task, reason }));
  },
  timeoutMinutes: positiveIntSetting(env, 'WORKFLOW_TIMEOUT_MINUTES'),
};

/** Scheduled (EventBridge) every few minutes; returns what it cleaned. */
export const handler = async (event: unknown): Promise<CleanupReport> => {
  parseEvent(ScheduledEvent, event ?? {}, 'orphan-cleanup event');
  try {
    const report = await cleanupOrphans(deps);
    logger.info('orphan cleanup done', { ...report });
    return report;
  } catch (err) {
    if (err instanceof CleanupError) logger.error('orphan cleanup incomplete', { ...err.report });
    throw err;
  }
};
