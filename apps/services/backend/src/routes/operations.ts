import { NotFoundError, strategyName } from '@tradai/domain';
import { problemResponses } from '@tradai/service-runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as z from 'zod/mini';
import type { BackendDeps } from '../deps.js';
import { call } from '../downstream.js';
import { BotView, DeploymentView, botView, deploymentView } from '../views.js';

const DeploymentsQuery = z.object({
  strategy: z.optional(strategyName),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
});
const DeploymentHistory = z.object({ strategy: z.string(), deployments: z.array(DeploymentView) });
const DeploymentsResponse = z.object({ items: z.array(DeploymentHistory) });

const TradingStatus = z.object({ checkedAt: z.string(), staleAfterSeconds: z.number(), bots: z.array(BotView) });

/** Routes 15-16: deployment history per strategy and the live bots' status. */
export function operationsRoutes(deps: BackendDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/v1/deployments',
      { schema: { summary: 'Deployment history per strategy, newest first', tags: ['deployments'], querystring: DeploymentsQuery, response: { 200: DeploymentsResponse, ...problemResponses(400, 401, 403, 404, 503) } } },
      async (req) => {
        const { strategy, limit } = req.query;
        if (strategy) {
          const history = await call('DynamoDB', () => deps.deployments.query(strategy, { newestFirst: true, limit }));
          if (history.length === 0) throw new NotFoundError(`strategy ${strategy} has no deployments`);
          return { items: [{ strategy, deployments: history.map(deploymentView) }] };
        }
        // No filter: the whole table (a few records per strategy and release), grouped.
        const all = await call('DynamoDB', () => deps.deployments.scan());
        const byStrategy = new Map<string, typeof all>();
        for (const d of all) byStrategy.set(d.strategy, [...(byStrategy.get(d.strategy) ?? []), d]);
        return {
          items: [...byStrategy.keys()].sort().map((s) => ({
            strategy: s,
            deployments: byStrategy
              .get(s)!
              .sort((a, b) => b.deployed_at.localeCompare(a.deployed_at))
              .slice(0, limit)
              .map(deploymentView),
          })),
        };
      },
    );

    app.get(
      '/api/v1/trading/status',
      { schema: { summary: 'Every bot with heartbeat age, positions and PnL', tags: ['trading'], response: { 200: TradingStatus, ...problemResponses(401, 403, 503) } } },
      async () => {
        const bots = await call('DynamoDB', () => deps.trading.scan());
        const now = deps.now();
        return {
          checkedAt: now.toISOString(),
          staleAfterSeconds: deps.heartbeatStaleSeconds,
          bots: bots.map((b) => botView(b, now, deps.heartbeatStaleSeconds)).sort((a, b) => a.botId.localeCompare(b.botId)),
        };
      },
    );
  };
}
