import type { DeploymentItem, HealthItem, TradingItem } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { verifyDeployment } from './verify.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const dep: DeploymentItem = { strategy: 's', deployed_at: iso(0), deployment_id: 'd2', config_version: 2, source: 'promote-model' };
const bot = (id: string, dd: number | undefined, extra: Partial<TradingItem> = {}): TradingItem => ({ bot_id: id, strategy: 's', mode: 'live', deployment_id: 'd2', last_heartbeat_at: iso(5 * MIN), max_drawdown: dd, ...extra });
const settings = { windowMinutes: 30, maxDrawdownRegression: 0.05 };
const healthy: HealthItem = { service: 'live-trading', status: 'healthy', checked_at: iso(5 * MIN) };
const WINDOW_END = T0 + 30 * MIN;

describe('verifyDeployment', () => {
  it('is pending inside the window while nothing is wrong, verified after it', () => {
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.01)], settings, T0 + 10 * MIN)).toEqual({ kind: 'pending', minutesLeft: 20 });
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.01)], settings, T0 + 31 * MIN)).toEqual({ kind: 'verified' });
  });

  it('ends the window exactly windowMinutes after deployed_at: pending 1 ms before, verified at it and after', () => {
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.01)], settings, WINDOW_END - 1)).toEqual({ kind: 'pending', minutesLeft: 1 });
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.01)], settings, WINDOW_END)).toEqual({ kind: 'verified' });
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.01)], settings, WINDOW_END + 1)).toEqual({ kind: 'verified' });
    expect(verifyDeployment(dep, healthy, [], settings, WINDOW_END - 1).kind).toBe('pending');
    expect(verifyDeployment(dep, healthy, [], settings, WINDOW_END).kind).toBe('inconclusive');
  });

  it('rounds the minutes left up: a started minute counts as a whole one', () => {
    expect(verifyDeployment(dep, healthy, [], settings, WINDOW_END - MIN)).toEqual({ kind: 'pending', minutesLeft: 1 });
    expect(verifyDeployment(dep, healthy, [], settings, WINDOW_END - MIN - 1)).toEqual({ kind: 'pending', minutesLeft: 2 });
    expect(verifyDeployment(dep, healthy, [], settings, T0)).toEqual({ kind: 'pending', minutesLeft: 30 });
  });

  it('flags a drawdown past the limit at any time, only for bots on this deployment', () => {
    const v = verifyDeployment(dep, healthy, [bot('b1', 0.08), bot('old', 0.5, { deployment_id: 'd1' }), bot('dry', 0.5, { mode: 'dry-run' }), bot('other', 0.5, { strategy: 't' })], settings, T0 + MIN);
    expect(v).toEqual({ kind: 'regressed', reasons: ['bot b1 drawdown 8.00% exceeds 5.00%'] });
  });

  it('allows a drawdown of exactly the limit; one step (0.01 %) more regresses', () => {
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.05)], settings, T0 + MIN).kind).toBe('pending');
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.0499)], settings, T0 + MIN).kind).toBe('pending');
    expect(verifyDeployment(dep, healthy, [bot('b1', 0.0501)], settings, T0 + MIN)).toEqual({ kind: 'regressed', reasons: ['bot b1 drawdown 5.01% exceeds 5.00%'] });
    // A bot that has not reported a drawdown yet is no evidence of a regression.
    expect(verifyDeployment(dep, healthy, [bot('b1', undefined)], settings, T0 + MIN).kind).toBe('pending');
  });

  it('lists every reason: the service and each bot past the limit', () => {
    const sick: HealthItem = { ...healthy, status: 'unhealthy', changed_at: iso(3 * MIN) };
    expect(verifyDeployment(dep, sick, [bot('b1', 0.06), bot('b2', 0.07)], settings, T0 + MIN)).toEqual({
      kind: 'regressed',
      reasons: [`live-trading unhealthy since ${iso(3 * MIN)}`, 'bot b1 drawdown 6.00% exceeds 5.00%', 'bot b2 drawdown 7.00% exceeds 5.00%'],
    });
  });

  it('flags the trading service turning unhealthy after the deployment, not before', () => {
    const after: HealthItem = { ...healthy, status: 'unhealthy', changed_at: iso(3 * MIN), error: 'HTTP 503' };
    expect(verifyDeployment(dep, after, [], settings, T0 + MIN)).toEqual({ kind: 'regressed', reasons: [`live-trading unhealthy since ${iso(3 * MIN)} (HTTP 503)`] });
    const before: HealthItem = { ...after, changed_at: iso(-60 * MIN) };
    expect(verifyDeployment(dep, before, [], settings, T0 + MIN).kind).toBe('pending');
  });

  it('counts an unhealthy service that turned so exactly at deployed_at; 1 ms earlier it does not', () => {
    const at: HealthItem = { ...healthy, status: 'unhealthy', changed_at: iso(0) };
    expect(verifyDeployment(dep, at, [], settings, T0 + MIN).kind).toBe('regressed');
    expect(verifyDeployment(dep, { ...at, changed_at: iso(1) }, [], settings, T0 + MIN).kind).toBe('regressed');
    expect(verifyDeployment(dep, { ...at, changed_at: iso(-1) }, [], settings, T0 + MIN).kind).toBe('pending');
  });

  it('counts an unhealthy service with no recorded change time, and ignores a healthy one or none', () => {
    const unknown: HealthItem = { service: 'live-trading', status: 'unhealthy', checked_at: iso(5 * MIN) };
    expect(verifyDeployment(dep, unknown, [], settings, T0 + MIN)).toEqual({ kind: 'regressed', reasons: ['live-trading unhealthy since unknown'] });
    expect(verifyDeployment(dep, { ...healthy, changed_at: iso(3 * MIN) }, [], settings, T0 + MIN).kind).toBe('pending');
    expect(verifyDeployment(dep, undefined, [], settings, T0 + MIN).kind).toBe('pending');
  });

  it('is inconclusive when no bot ever reported for the deployment', () => {
    expect(verifyDeployment(dep, healthy, [], settings, T0 + 40 * MIN)).toEqual({ kind: 'inconclusive', reason: 'no live bot reported for deployment d2 within 30 min' });
  });

  it('names a deployment whose deployed_at is not a time', () => {
    expect(() => verifyDeployment({ ...dep, deployed_at: 'yesterday' }, healthy, [], settings, T0)).toThrow('deployment d2: deployed_at "yesterday" is not an ISO-8601 time');
  });
});
