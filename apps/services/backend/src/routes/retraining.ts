import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ConflictError, NotFoundError, isAwsError, strategyName, type RetrainingWorkflowInput } from '@tradai/domain';
import { problemResponses } from '@tradai/service-runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod/mini';
import type { BackendDeps } from '../deps.js';
import { call } from '../downstream.js';
import { executionArnFor, retrainingExecutionName } from '../retraining.js';

const Params = z.object({ strategy: strategyName });
// Optional: a POST without a body (Fastify hands the validator null) retrains with the defaults.
const Body = z.nullish(
  z.object({
    /** Registered model in MLflow; defaults to the strategy name. */
    modelName: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    /** Skip the retraining-needed check; a manual request retrains unless told otherwise. */
    force: z.optional(z.boolean()),
  }),
);
const Headers = z.looseObject({
  'idempotency-key': z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 printable ASCII characters'))),
});
const Started = z.object({ executionName: z.string(), executionArn: z.string(), startedAt: z.string(), input: z.record(z.string(), z.unknown()) });

/** Route 17: start the retraining workflow by hand. */
export function retrainingRoutes(deps: BackendDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/v1/retraining/:strategy',
      {
        schema: {
          summary: 'Start a manual retraining (Idempotency-Key makes retries start one execution)',
          tags: ['retraining'],
          params: Params,
          headers: Headers,
          body: Body,
          response: { 202: Started, ...problemResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (req, reply) => {
        const { strategy } = req.params;
        if (!(await call('DynamoDB', () => deps.configVersions.latest(strategy)))) throw new NotFoundError(`strategy ${strategy} has no config version`);
        const input: RetrainingWorkflowInput = { strategy, trigger: 'manual', force: req.body?.force ?? true, ...(req.body?.modelName ? { modelName: req.body.modelName } : {}) };
        const key = req.headers['idempotency-key'];
        const name = retrainingExecutionName(strategy, key);
        const started = await call('Step Functions', async () => {
          try {
            // Standard workflows: the same name with the same input returns the running execution.
            const res = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.retrainingWorkflowArn, name, input: JSON.stringify(input) }));
            return { executionArn: res.executionArn ?? executionArnFor(deps.retrainingWorkflowArn, name), startedAt: res.startDate ?? deps.now() };
          } catch (err) {
            if (!isAwsError(err, 'ExecutionAlreadyExists')) throw err;
            const arn = executionArnFor(deps.retrainingWorkflowArn, name);
            const existing = await deps.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
            if (existing.input !== JSON.stringify(input)) {
              throw new ConflictError(`Idempotency-Key ${key ?? ''} was used for a different retraining request of ${strategy}`);
            }
            return { executionArn: arn, startedAt: existing.startDate ?? deps.now() };
          }
        });
        return reply.status(202).send({ executionName: name, executionArn: started.executionArn, startedAt: started.startedAt.toISOString(), input: { ...input } });
      },
    );
  };
}
