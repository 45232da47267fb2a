import type { DeploymentItem, HealthItem, TradingItem } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { verifyDeployment } from './verify.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();
const dep: DeploymentItem = { strategy: 's', deployed_at: iso(0), deployment_id: 'd2', config_version: 2, source: 'promote-model' };
const bot = (id: string, dd: number, extra: Partial<TradingItem> = {}): TradingItem => ({ bot_id: id, strategy: 's', mode: 'live', deployment_id: 'd2', last_heartbeat_at: iso(5), max_drawdown: dd, ...extra });
const settings = { windowMinutes: 30, maxDrawdownRegression: 0.05 };
const healthy: HealthItem = { service: 'live-trading', status: 'healthy', checked_at: iso(5) };

describe('verifyDeployment', () => {
  it('is pending inside the window while nothing is wrong, verified after it', () => {
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.01)], settings, T0 + 10 * 60_000)).toEqual({ kind: 'pending', minutesLeft: 20 });
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.01)], settings, T0 + 31 * 60_000)).toEqual({ kind: 'verified' });
  });

  it('flags a drawdown past the limit at any time, only for bots on this deployment', () => {
    const v = verifyDeployment(dep, healthy, [bot('b1', 0.08), bot('old', 0.5, { deployment_id: 'd1' }), bot('dry', 0.5, { mode: 'dry-run' })], settings, T0 + 60_000);
    expect(v).toEqual({ kind: 'regressed', reasons: ['bot b1 drawdown 8.00% exceeds 5.00%'] });
  });

  it('flags the trading service turning unhealthy after the deployment, not before', () => {
    const after: HealthItem = { ...healthy, status: 'unhealthy', changed_at: iso(3), error: 'HTTP 503' };
    expect(verifyDeployment(dep, after, [], settings, T0 + 60_000)).toMatchObject({ kind: 'regressed', reasons: [expect.stringContaining('live-trading unhealthy since')] });
    const before: HealthItem = { ...after, changed_at: iso(-60) };
    expect(verifyDeployment(dep, before, [], settings, T0 + 60_000).kind).toBe('pending');
  });

  it('is inconclusive when no bot ever reported for the deployment', () => {
    expect(verifyDeployment(dep, healthy, [], settings, T0 + 40 * 60_000)).toMatchObject({ kind: 'inconclusive' });
  });
});
