import { CHAMPION_ALIAS, ConflictError, NotFoundError, isoTimestamp, strategyName, type PromoteModelOutput } from '@tradai/domain';
import { problemResponses } from '@tradai/service-runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod/mini';
import type { BackendDeps } from '../deps.js';
import { call } from '../downstream.js';
import { invokeJson } from '../invoke.js';

const modelName = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 chars of A-Z, a-z, 0-9, ".", "-", "_"'));
const versionNumber = z.string().check(z.regex(/^[0-9]+$/, 'must be a model version number'));
const NameParams = z.object({ name: modelName });

const ModelView = z.object({
  name: z.string(),
  championVersion: z.nullable(z.string()),
  latestVersion: z.nullable(z.string()),
  aliases: z.record(z.string(), z.string()),
  /** Latest value of each metric of the champion's training run; null without a champion or run. */
  championMetrics: z.nullable(z.record(z.string(), z.number())),
});
const ModelList = z.object({ items: z.array(ModelView) });

/** The retraining run whose candidate to promote (the promote-model Lambda's input, minus the model name). */
const PromoteBody = z.object({ strategy: strategyName, startedAt: isoTimestamp, version: versionNumber });
const PromoteResult = z.object({ strategy: z.string(), modelName: z.string(), modelVersion: z.string(), deploymentId: z.string(), configVersion: z.number(), changed: z.boolean() });

const RollbackBody = z.object({
  /** Defaults to the model name (a model is registered under its strategy's name unless told otherwise). */
  strategy: z.optional(strategyName),
  reason: z.string().check(z.minLength(1), z.maxLength(1000)),
  /** The deployment believed bad; the rollback is refused if another one is current by now. */
  deploymentId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});
const RollbackResult = z.looseObject({ status: z.enum(['COMPLETED', 'ALREADY_DONE']), strategy: z.string() });

/** Who asked, for the rollback record: the verified token's subject (set by the auth check), else `api`. */
function requester(req: object): string {
  const sub = (req as { principal?: { sub?: unknown } }).principal?.sub;
  return typeof sub === 'string' && sub ? `api:${sub}` : 'api';
}

/** Routes 12-14: registered models, promote and rollback (through the same Lambdas the workflows use). */
export function modelRoutes(deps: BackendDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/models',
      { schema: { summary: 'Registered models with their champion', tags: ['models'], response: { 200: ModelList, ...problemResponses(401, 403, 503) } } },
      async () => {
        const models = await call('MLflow', () => deps.mlflow.searchRegisteredModels());
        const items = await Promise.all(
          models.map(async (m) => {
            const champion = m.aliases[CHAMPION_ALIAS] ?? null;
            let championMetrics: Record<string, number> | null = null;
            if (champion) {
              const version = await call('MLflow', () => deps.mlflow.getModelVersion(m.name, champion));
              if (version.run_id) championMetrics = await call('MLflow', () => deps.mlflow.getRunMetrics(version.run_id!));
            }
            const latest = m.latestVersions.length ? String(Math.max(...m.latestVersions.map(Number))) : null;
            return { name: m.name, championVersion: champion, latestVersion: latest, aliases: { ...m.aliases }, championMetrics };
          }),
        );
        return { items: items.sort((a, b) => a.name.localeCompare(b.name)) };
      },
    );

    app.post(
      '/api/v1/models/:name/promote',
      {
        schema: {
          summary: "Promote a retraining run's candidate version to champion",
          tags: ['models'],
          params: NameParams,
          body: PromoteBody,
          response: { 200: PromoteResult, ...problemResponses(400, 401, 403, 404, 409, 502, 503) },
        },
      },
      async (req) =>
        invokeJson<PromoteModelOutput>(deps.lambda, deps.functions.promoteModel, {
          strategy: req.body.strategy,
          startedAt: req.body.startedAt,
          modelName: req.params.name,
          candidateVersion: req.body.version,
        }),
    );

    app.post(
      '/api/v1/models/:name/rollback',
      {
        schema: {
          summary: "Roll the model's strategy back to its previous deployment",
          tags: ['models'],
          params: NameParams,
          body: RollbackBody,
          response: { 200: RollbackResult, ...problemResponses(400, 401, 403, 404, 409, 502, 503) },
        },
      },
      async (req) => {
        const strategy = req.body.strategy ?? req.params.name;
        // The path names a model: refuse to roll back a strategy that does not run it.
        const current = await call('DynamoDB', () => deps.deployments.latest(strategy));
        if (!current) throw new NotFoundError(`strategy ${strategy} has no deployment to roll back`);
        if ((current.model_name ?? current.strategy) !== req.params.name) {
          throw new ConflictError(`strategy ${strategy} currently runs model ${current.model_name ?? '(none)'}, not ${req.params.name}`);
        }
        return invokeJson<z.infer<typeof RollbackResult>>(deps.lambda, deps.functions.rollback, {
          strategy,
          reason: req.body.reason,
          requestedBy: requester(req),
          ...(req.body.deploymentId ? { deploymentId: req.body.deploymentId } : {}),
        });
      },
    );
  };
}
