import { WORKFLOW_STATUSES } from '@tradai/contracts';
import type { DeploymentItem, TradingItem, WorkflowItem } from '@tradai/domain';
import * as z from 'zod/mini';

/*
 * Response shapes (camelCase, as clients read them) and the pure mappings from table items. The
 * schemas serialise the responses and document them in the OpenAPI document.
 */

const num = z.nullable(z.number());

export const BacktestMetricsView = z.looseObject({
  total_return: z.number(),
  sharpe: num,
  max_drawdown: z.number(),
  win_rate: num,
  trade_count: z.number(),
  final_equity: z.number(),
});

export const BacktestView = z.object({
  id: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  strategy: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.optional(z.string()),
  executionArn: z.optional(z.string()),
  resultKey: z.optional(z.string()),
  request: z.optional(z.record(z.string(), z.unknown())),
  metrics: z.optional(BacktestMetricsView),
});
export type BacktestView = z.infer<typeof BacktestView>;

export function backtestView(w: WorkflowItem): BacktestView {
  return {
    id: w.workflow_id,
    status: w.status,
    ...(w.strategy ? { strategy: w.strategy } : {}),
    createdAt: w.created_at,
    updatedAt: w.updated_at,
    ...(w.error ? { error: w.error } : {}),
    ...(w.execution_arn ? { executionArn: w.execution_arn } : {}),
    ...(w.result_key ? { resultKey: w.result_key } : {}),
    ...(w.request ? { request: w.request } : {}),
    ...(w.metrics ? { metrics: w.metrics as unknown as z.infer<typeof BacktestMetricsView> } : {}),
  };
}

export const DeploymentView = z.object({
  strategy: z.string(),
  deploymentId: z.string(),
  deployedAt: z.string(),
  configVersion: z.number(),
  source: z.string(),
  status: z.optional(z.string()),
  modelName: z.optional(z.string()),
  modelVersion: z.optional(z.string()),
  image: z.optional(z.string()),
  previousDeploymentId: z.optional(z.string()),
  restoredDeploymentId: z.optional(z.string()),
  verifiedAt: z.optional(z.string()),
});

export function deploymentView(d: DeploymentItem): z.infer<typeof DeploymentView> {
  const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));
  return {
    strategy: d.strategy,
    deploymentId: d.deployment_id,
    deployedAt: d.deployed_at,
    configVersion: d.config_version,
    source: d.source,
    ...opt('status', d.status),
    ...opt('modelName', d.model_name),
    ...opt('modelVersion', d.model_version),
    ...opt('image', d.image),
    ...opt('previousDeploymentId', d.previous_deployment_id),
    ...opt('restoredDeploymentId', d.restored_deployment_id),
    ...opt('verifiedAt', d.verified_at),
  };
}

export const BotView = z.object({
  botId: z.string(),
  strategy: z.string(),
  mode: z.optional(z.string()),
  lastHeartbeatAt: z.string(),
  /** Seconds since the last heartbeat; null when the timestamp does not parse. */
  heartbeatAgeSeconds: num,
  /** Older than HEARTBEAT_STALE_SECONDS (heartbeat-monitor alarms on the same threshold). */
  stale: z.boolean(),
  pnl: num,
  pnlRatio: num,
  maxDrawdown: num,
  tradeCount: num,
  /** Open positions as the bot reports them (TradingPosition); null when the bot does not report any. */
  positions: z.nullable(z.array(z.object({ symbol: z.string(), side: z.enum(['long', 'short']), amount: z.number(), open_price: z.number(), opened_at: z.string() }))),
  deploymentId: z.optional(z.string()),
});
export type BotView = z.infer<typeof BotView>;

/** A trading_state record with its heartbeat age at `now` (pure). */
export function botView(t: TradingItem, now: Date, staleSeconds: number): BotView {
  const beat = Date.parse(t.last_heartbeat_at);
  const age = Number.isNaN(beat) ? null : Math.max(0, Math.round((now.getTime() - beat) / 1000));
  return {
    botId: t.bot_id,
    strategy: t.strategy,
    ...(t.mode ? { mode: t.mode } : {}),
    lastHeartbeatAt: t.last_heartbeat_at,
    heartbeatAgeSeconds: age,
    stale: age === null || age > staleSeconds,
    pnl: t.pnl ?? null,
    pnlRatio: t.pnl_ratio ?? null,
    maxDrawdown: t.max_drawdown ?? null,
    tradeCount: t.trade_count ?? null,
    positions: t.positions ? t.positions.map((p) => ({ ...p })) : null,
    ...(t.deployment_id ? { deploymentId: t.deployment_id } : {}),
  };
}
