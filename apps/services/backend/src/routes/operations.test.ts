import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentItem, TradingItem } from '@tradai/domain';
import { buildBackendApp } from '../app.js';
import type { BackendDeps } from '../deps.js';
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

  it('returns every optional field of a deployment under its API name', async () => {
    const full: DeploymentItem = {
      strategy: 'full',
      deployed_at: '2026-05-20T00:00:00Z',
      deployment_id: 'd-f2',
      config_version: 7,
      source: 'rollback',
      status: 'verified',
      model_name: 'full-model',
      model_version: '4',
      image: '123.dkr.ecr.eu-central-1.amazonaws.com/strategy-full@sha256:abc',
      previous_deployment_id: 'd-f1',
      restored_deployment_id: 'd-f0',
      verified_at: '2026-05-20T00:05:00Z',
    };
    const app = await buildBackendApp({ ...h.deps, deployments: { ...h.deps.deployments, query: () => Promise.resolve([full]) } as unknown as BackendDeps['deployments'] }, { logLevel: 'silent' });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/deployments?strategy=full' });
      expect(JSON.parse(res.body).items[0].deployments).toEqual([
        {
          strategy: 'full',
          deploymentId: 'd-f2',
          deployedAt: '2026-05-20T00:00:00Z',
          configVersion: 7,
          source: 'rollback',
          status: 'verified',
          modelName: 'full-model',
          modelVersion: '4',
          image: '123.dkr.ecr.eu-central-1.amazonaws.com/strategy-full@sha256:abc',
          previousDeploymentId: 'd-f1',
          restoredDeploymentId: 'd-f0',
          verifiedAt: '2026-05-20T00:05:00Z',
        },
      ]);
    } finally {
      await app.close();
    }
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
    const ghost = await h.app.inject({ method: 'GET', url: '/api/v1/deployments?strategy=ghost' });
    expect(ghost.statusCode).toBe(404);
    expect(problemOf(ghost).detail).toBe('strategy ghost has no deployments');
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

  /** The status route over `bots` in the order given (a scan returns DynamoDB's hash order, not ids). */
  async function statusOf(bots: TradingItem[]) {
    const app = await buildBackendApp({ ...h.deps, trading: { scan: () => Promise.resolve(bots) } as unknown as BackendDeps['trading'] }, { logLevel: 'silent' });
    try {
      return JSON.parse((await app.inject({ method: 'GET', url: '/api/v1/trading/status' })).body) as { bots: { botId: string; stale: boolean; heartbeatAgeSeconds: number | null; deploymentId?: string }[] };
    } finally {
      await app.close();
    }
  }
  const beatAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

  it('is stale only past HEARTBEAT_STALE_SECONDS (180): 179 and 180 s fresh, 181 s stale', async () => {
    const body = await statusOf([179, 180, 181].map((age) => ({ bot_id: `bot-${age}`, strategy: 'trend', last_heartbeat_at: beatAgo(age) })));
    expect(body.bots.map((b) => [b.botId, b.heartbeatAgeSeconds, b.stale])).toEqual([
      ['bot-179', 179, false],
      ['bot-180', 180, false],
      ['bot-181', 181, true],
    ]);
  });

  it('sorts bots by id whatever order the table returns, and names the deployment a bot runs', async () => {
    const body = await statusOf([
      { bot_id: 'bot-z', strategy: 'trend', last_heartbeat_at: beatAgo(1), deployment_id: 'd-9' },
      { bot_id: 'bot-a', strategy: 'trend', last_heartbeat_at: beatAgo(1) },
      { bot_id: 'bot-m', strategy: 'trend', last_heartbeat_at: 'not a time' },
    ]);
    expect(body.bots.map((b) => b.botId)).toEqual(['bot-a', 'bot-m', 'bot-z']);
    expect(body.bots[2]).toMatchObject({ deploymentId: 'd-9' });
    expect(body.bots[0]).not.toHaveProperty('deploymentId');
    expect(body.bots[1]).toMatchObject({ heartbeatAgeSeconds: null, stale: true });
  });

  it('503 naming DynamoDB when the table is unreachable', async () => {
    const down = await h.outageApp({ dynamodb: true });
    const res = await down.inject({ method: 'GET', url: '/api/v1/trading/status' });
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^DynamoDB unavailable/);
  });
});
