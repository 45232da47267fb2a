import type { DeploymentItem, HealthItem, TradingItem } from '@tradai/domain';

/** The service a strategy deployment runs in: its health is the deployment's health. */
export const TRADING_SERVICE = 'live-trading';

export interface VerifySettings {
  readonly windowMinutes: number;
  /** Largest drawdown (fraction) the live bots of a new deployment may show inside the window. */
  readonly maxDrawdownRegression: number;
}

export type Verdict =
  | { readonly kind: 'regressed'; readonly reasons: string[] }
  /** Inside the window and nothing wrong yet: check again later. */
  | { readonly kind: 'pending'; readonly minutesLeft: number }
  | { readonly kind: 'verified' }
  /** Window over but no live bot ever reported for this deployment: no evidence either way. */
  | { readonly kind: 'inconclusive'; readonly reason: string };

/**
 * Judges a deployment from the trading service's health and the live bots running it (bots tagged
 * with its deployment_id). Regression: the service turned unhealthy after the deployment, or a
 * bot's drawdown since the deployment exceeds `maxDrawdownRegression`. A regression counts at any
 * time; "verified" needs the whole window to have passed with bots reporting.
 */
export function verifyDeployment(deployment: DeploymentItem, health: HealthItem | undefined, bots: readonly TradingItem[], settings: VerifySettings, nowMs: number): Verdict {
  const deployedMs = Date.parse(deployment.deployed_at);
  if (Number.isNaN(deployedMs)) throw new Error(`deployment ${deployment.deployment_id}: deployed_at "${deployment.deployed_at}" is not an ISO-8601 time`);
  const reasons: string[] = [];
  if (health?.status === 'unhealthy' && (!health.changed_at || Date.parse(health.changed_at) >= deployedMs)) {
    reasons.push(`${TRADING_SERVICE} unhealthy since ${health.changed_at ?? 'unknown'}${health.error ? ` (${health.error})` : ''}`);
  }
  const mine = bots.filter((b) => b.strategy === deployment.strategy && b.mode === 'live' && b.deployment_id === deployment.deployment_id);
  for (const b of mine) {
    if (typeof b.max_drawdown === 'number' && b.max_drawdown > settings.maxDrawdownRegression) {
      reasons.push(`bot ${b.bot_id} drawdown ${(b.max_drawdown * 100).toFixed(2)}% exceeds ${(settings.maxDrawdownRegression * 100).toFixed(2)}%`);
    }
  }
  if (reasons.length) return { kind: 'regressed', reasons };
  const endMs = deployedMs + settings.windowMinutes * 60_000;
  if (nowMs < endMs) return { kind: 'pending', minutesLeft: Math.ceil((endMs - nowMs) / 60_000) };
  if (mine.length === 0) return { kind: 'inconclusive', reason: `no live bot reported for deployment ${deployment.deployment_id} within ${settings.windowMinutes} min` };
  return { kind: 'verified' };
}
