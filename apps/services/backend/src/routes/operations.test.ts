import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW, problemOf, startHarness, type Harness } from '../test-support.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  for (const [strategy, day, id] of [['trend', '01', 'd-1'], ['trend', '10', 'd-2'], ['trend', '05', 'd-3'], ['meanrev', '02', 'd-m']] as const) {
    await h.deps.deployments.put({ strategy, deployed_at: `2026-05-${day}T00:00:00Z`, deployment_id: id, config_version: Number(day), source: 'strategy-registrar', status: 'verified' });
  }
  // One fresh bot (60 s), one stale (10 min), one that reports positions.
  await h.deps.trading.put({ bot_id: 'bot-a', strategy: 'trend', mode: 'live', last_heartbeat_at: new Date(NOW.getTime() - 60_000).toISOString(), pnl: 120.5, pnl_ratio: 0.012, trade_count: 4 });
  await h.deps.trading.put({ bot_id: 'bot-b', strategy: 'meanrev', mode: 'dry-run', last_heartbeat_at: new Date(NOW.getTime() - 600_000).toISOString() });
  await h.deps.trading.put({ bot_id: 'bot-c', strategy: 'trend', last_heartbeat_at: NOW.toISOString(), positions: [{ symbol: 'BTC/USDT', side: 'long', amount: 0.1, open_price: 42000, opened_at: '2026-06-01T10:00:00.000Z' }] });
});
afterAll(() => h.stop());

describe('GET /api/v1/deployments', () => {
  it("returns one strategy's history newest first", async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/deployments?strategy=trend' });
    expect(res.statusCode).toBe(200);
    const [history] = JSON.parse(res.body).items;
    expect(history.strategy).toBe('trend');
    expect(history.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual(['d-2', 'd-3', 'd-1']);
    expect(history.deployments[0]).toEqual({ strategy: 'trend', deploymentId: 'd-2', deployedAt: '2026-05-10T00:00:00Z', configVersion: 10, source: 'strategy-registrar', status: 'verified' });
  });

  it('groups every strategy when none is named, honouring limit', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/deployments?limit=2' });
    const items = JSON.parse(res.body).items as { strategy: string; deployments: { deploymentId: string }[] }[];
    expect(items.map((i) => [i.strategy, i.deployments.map((d) => d.deploymentId)])).toEqual([
      ['meanrev', ['d-m']],
      ['trend', ['d-2', 'd-3']],
    ]);
  });

  it('404 for a strategy without deployments, 400 naming a bad strategy or limit', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/deployments?strategy=ghost' })).statusCode).toBe(404);
    const bad = await h.app.inject({ method: 'GET', url: '/api/v1/deployments?strategy=UPPER&limit=1000' });
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).errors?.map((e) => e.path).sort()).toEqual(['querystring.limit', 'querystring.strategy']);
  });

  it('503 naming DynamoDB when the table is unreachable', async () => {
    const down = await h.outageApp({ dynamodb: true });
    const res = await down.inject({ method: 'GET', url: '/api/v1/deployments?strategy=trend' });
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^DynamoDB unavailable/);
  });
});

describe('GET /api/v1/trading/status', () => {
  it('lists every bot with its heartbeat age, staleness, PnL and positions', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/trading/status' });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ checkedAt: NOW.toISOString(), staleAfterSeconds: 180 });
    expect(body.bots).toEqual([
      { botId: 'bot-a', strategy: 'trend', mode: 'live', lastHeartbeatAt: '2026-06-01T11:59:00.000Z', heartbeatAgeSeconds: 60, stale: false, pnl: 120.5, pnlRatio: 0.012, maxDrawdown: null, tradeCount: 4, positions: null },
      { botId: 'bot-b', strategy: 'meanrev', mode: 'dry-run', lastHeartbeatAt: '2026-06-01T11:50:00.000Z', heartbeatAgeSeconds: 600, stale: true, pnl: null, pnlRatio: null, maxDrawdown: null, tradeCount: null, positions: null },
      { botId: 'bot-c', strategy: 'trend', lastHeartbeatAt: NOW.toISOString(), heartbeatAgeSeconds: 0, stale: false, pnl: null, pnlRatio: null, maxDrawdown: null, tradeCount: null, positions: [{ symbol: 'BTC/USDT', side: 'long', amount: 0.1, open_price: 42000, opened_at: '2026-06-01T10:00:00.000Z' }] },
    ]);
  });

  it('503 naming DynamoDB when the table is unreachable', async () => {
    const down = await h.outageApp({ dynamodb: true });
    const res = await down.inject({ method: 'GET', url: '/api/v1/trading/status' });
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^DynamoDB unavailable/);
  });
});
