import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { WORKFLOW_STATUSES } from '@tradai/contracts';
import { NotFoundError, ConflictError, isAwsError, reportKeyFor, strategyName, workflowId } from '@tradai/domain';
import { problemResponses } from '@tradai/service-runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod/mini';
import { assertCancellable, executionArnOf, listBacktests, requireBacktest } from '../backtests.js';
import type { BackendDeps } from '../deps.js';
import { call } from '../downstream.js';
import { BacktestMetricsView, BacktestView, backtestView } from '../views.js';

const IdParams = z.object({ id: workflowId });

const ListQuery = z.object({
  status: z.optional(z.enum(WORKFLOW_STATUSES)),
  strategy: z.optional(strategyName),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
});

const BacktestList = z.object({ items: z.array(BacktestView), nextCursor: z.optional(z.string()) });

const ResultsView = z.object({
  id: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  metrics: BacktestMetricsView,
  /** The full result file, with a presigned GET `url` valid for `expiresInSeconds`. */
  resultFile: z.object({ bucket: z.string(), key: z.string(), sizeBytes: z.nullable(z.number()), lastModified: z.nullable(z.string()), url: z.string(), expiresInSeconds: z.number() }),
  /** The HTML report the strategy task writes beside it (presigned like the file); null for results written before reports existed. */
  report: z.nullable(z.object({ key: z.string(), url: z.string(), expiresInSeconds: z.number() })),
});

/** How long the presigned link to a result file stays valid: long enough to download, short enough not to be shared. */
export const RESULT_URL_TTL_SECONDS = 300;

/** Routes 3-6: list, get, results and cancel of backtests (workflow_state records of type backtest). */
export function backtestRoutes(deps: BackendDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/backtests',
      { schema: { summary: 'List backtests, newest first', tags: ['backtests'], querystring: ListQuery, response: { 200: BacktestList, ...problemResponses(400, 401, 403, 503) } } },
      async (req) => {
        const { status, strategy, limit, cursor } = req.query;
        const page = await call('DynamoDB', () =>
          listBacktests(deps.doc, deps.workflows.table.tableName, { limit, ...(status ? { status } : {}), ...(strategy ? { strategy } : {}), ...(cursor ? { cursor } : {}) }),
        );
        return { items: page.items.map(backtestView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
      },
    );

    app.get(
      '/api/v1/backtests/:id',
      { schema: { summary: 'One backtest', tags: ['backtests'], params: IdParams, response: { 200: BacktestView, ...problemResponses(400, 401, 403, 404, 503) } } },
      async (req) => backtestView(requireBacktest(await call('DynamoDB', () => deps.workflows.get(req.params.id)), req.params.id)),
    );

    app.get(
      '/api/v1/backtests/:id/results',
      { schema: { summary: 'Metrics and result file of a finished backtest', tags: ['backtests'], params: IdParams, response: { 200: ResultsView, ...problemResponses(400, 401, 403, 404, 409, 503) } } },
      async (req) => {
        const item = requireBacktest(await call('DynamoDB', () => deps.workflows.get(req.params.id)), req.params.id);
        if (item.status !== 'SUCCEEDED' || !item.metrics || !item.result_key) {
          throw new ConflictError(`backtest ${item.workflow_id} is ${item.status}; results exist once it has SUCCEEDED`);
        }
        const key = item.result_key;
        const head = await call('S3', async () => {
          try {
            return await deps.s3.send(new HeadObjectCommand({ Bucket: deps.resultsBucket, Key: key }));
          } catch (err) {
            if (isAwsError(err, 'NotFound', 'NoSuchKey')) throw new NotFoundError(`result file s3://${deps.resultsBucket}/${key} of backtest ${item.workflow_id} is missing`);
            throw err;
          }
        });
        const reportKey = reportKeyFor(key);
        const hasReport = await call('S3', async () => {
          try {
            await deps.s3.send(new HeadObjectCommand({ Bucket: deps.resultsBucket, Key: reportKey }));
            return true;
          } catch (err) {
            if (isAwsError(err, 'NotFound', 'NoSuchKey')) return false;
            throw err;
          }
        });
        // Signed locally with the task role's credentials: no S3 call, and the link dies with the expiry.
        const sign = (k: string) => getSignedUrl(deps.s3, new GetObjectCommand({ Bucket: deps.resultsBucket, Key: k }), { expiresIn: RESULT_URL_TTL_SECONDS });
        const url = await sign(key);
        return {
          id: item.workflow_id,
          status: item.status,
          metrics: item.metrics as unknown as z.infer<typeof BacktestMetricsView>,
          resultFile: { bucket: deps.resultsBucket, key, sizeBytes: head.ContentLength ?? null, lastModified: head.LastModified?.toISOString() ?? null, url, expiresInSeconds: RESULT_URL_TTL_SECONDS },
          report: hasReport ? { key: reportKey, url: await sign(reportKey), expiresInSeconds: RESULT_URL_TTL_SECONDS } : null,
        };
      },
    );

    app.delete(
      '/api/v1/backtests/:id',
      { schema: { summary: 'Cancel a queued or running backtest', tags: ['backtests'], params: IdParams, response: { 200: BacktestView, ...problemResponses(400, 401, 403, 404, 409, 503) } } },
      async (req) => {
        const { id } = req.params;
        const item = requireBacktest(await call('DynamoDB', () => deps.workflows.get(id)), id);
        assertCancellable(item);
        // Stop first: if Step Functions is down nothing is written and the client retries. The
        // reverse order could record CANCELLED while the execution keeps running.
        await call('Step Functions', async () => {
          try {
            await deps.sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(item, deps.backtestWorkflowArn), cause: `cancelled via backend-api (request ${req.id})` }));
          } catch (err) {
            // QUEUED and not started yet: the consumer's later start then fails MarkRunning (CANCELLED is terminal).
            if (!isAwsError(err, 'ExecutionDoesNotExist')) throw err;
          }
        });
        const { item: cancelled } = await call('DynamoDB', () => deps.workflows.transition(id, 'CANCELLED', { error: 'cancelled by user' }, deps.now()));
        return backtestView(cancelled);
      },
    );
  };
}
