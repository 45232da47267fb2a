import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Table, type ShadowTestItem, type TradingItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { localBlobs } from '@tradai/market-data';
import { replayBots } from '@tradai/trading-engine';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const sns = mockClient(SNSClient);
const NOW = Date.parse('2026-03-05T00:00:00Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();
let db: Dynalite;
let tests: Table<ShadowTestItem>;
let trading: Table<TradingItem>;

beforeAll(async () => {
  db = await startDynalite();
  const n = await db.createTables(['shadow_test_state', 'trading_state']);
  tests = new Table(db.doc, 'shadow_test_state', n.shadow_test_state);
  trading = new Table(db.doc, 'trading_state', n.trading_state);
  await tests.put({ test_id: 'win', strategy: 'alpha', status: 'RUNNING', started_at: hoursAgo(30) });
  await tests.put({ test_id: 'lose', strategy: 'beta', status: 'RUNNING', started_at: hoursAgo(48) });
  await tests.put({ test_id: 'young', strategy: 'alpha', status: 'RUNNING', started_at: hoursAgo(2) });
  await tests.put({ test_id: 'done', strategy: 'alpha', status: 'REJECT', started_at: hoursAgo(100), decided_at: hoursAgo(50), reason: 'old' });
  for (const [id, strategy, mode, pnl] of [['a-sh', 'alpha', 'shadow', 0.04], ['a-lv', 'alpha', 'live', 0.01], ['b-sh', 'beta', 'shadow', -0.02], ['b-lv', 'beta', 'live', 0.01]] as const) {
    await trading.put({ bot_id: id, strategy, mode, pnl_ratio: pnl, last_heartbeat_at: hoursAgo(0) });
  }
});
afterAll(() => db.stop());
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

const deps = (): Deps => ({ tests, trading, sns: new SNSClient({ region: 'us-east-1' }), alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts', environment: 'dev', settings: { minShadowHours: 24, minPnlEdge: 0 }, now: () => new Date(NOW) });

describe('shadow-test-evaluator', () => {
  it('leaves a failed alert undecided so the next run decides it again', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS throttled'));
    await expect(run({ testId: 'win' }, deps())).rejects.toThrow(/failed for 1 of 1 test\(s\): win: SNS throttled/);
    expect(await tests.get({ test_id: 'win' })).toMatchObject({ status: 'RUNNING' });
  });

  it('decides every RUNNING test old enough, records and announces each decision', async () => {
    const outcomes = await run({ source: 'aws.events' }, deps());
    const by = Object.fromEntries(outcomes.map((o) => [o.testId, o.kind === 'decided' ? o.decision : o.kind]));
    expect(by).toEqual({ win: 'PROMOTE', lose: 'REJECT', young: 'wait' });
    expect(await tests.get({ test_id: 'win' })).toMatchObject({ status: 'PROMOTE', decided_at: new Date(NOW).toISOString(), reason: expect.stringContaining('shadow 4.00% vs live 1.00%') });
    expect(await tests.get({ test_id: 'lose' })).toMatchObject({ status: 'REJECT' });
    expect(await tests.get({ test_id: 'young' })).toMatchObject({ status: 'RUNNING' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: expect.stringContaining('shadow test win (alpha): PROMOTE') });
  });

  it('is a no-op for an already decided test (duplicate delivery)', async () => {
    const [o] = await run({ testId: 'win' }, deps());
    expect(o).toEqual({ kind: 'already-decided', testId: 'win', decision: 'PROMOTE' });
    expect(await run({ testId: 'done' }, deps())).toEqual([{ kind: 'already-decided', testId: 'done', decision: 'REJECT' }]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('rejects malformed input naming the field; an unknown test is a clear error', async () => {
    await expect(run({ testId: 42 }, deps())).rejects.toThrow(/invalid shadow-test-evaluator event: testId:/);
    await expect(run({ testId: 'ghost' }, deps())).rejects.toThrow(/shadow test ghost not found/);
    expect(await tests.get({ test_id: 'young' })).toMatchObject({ status: 'RUNNING' });
  });
});

describe('shadow-test-evaluator on rows the trading engine wrote', () => {
  it('promotes the candidate whose shadow bot out-earned the live bot, quoting their PnL ratios', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shadow-engine-'));
    try {
      await tests.put({ test_id: 'engine', strategy: 'gamma', status: 'RUNNING', started_at: hoursAgo(30) });
      // Same market, same engine: the candidate (offset 5) buys the troughs, the live config (offset 1) the peaks.
      const { bots } = await replayBots({
        table: trading,
        blobs: localBlobs(dir),
        strategy: 'gamma',
        bots: [
          { botId: 'gamma-live', mode: 'live', offset: 1, deploymentId: 'gamma-d1', configVersion: 1 },
          { botId: 'gamma-shadow', mode: 'shadow', offset: 5, configVersion: 2 },
        ],
        from: NOW - 24 * 3_600_000,
        hours: 24,
      });
      const [live, shadow] = [await trading.get({ bot_id: 'gamma-live' }), await trading.get({ bot_id: 'gamma-shadow' })];
      expect(live!.trade_count).toBeGreaterThan(0);
      expect(shadow!.pnl_ratio!).toBeGreaterThan(0);
      expect(live!.pnl_ratio!).toBeLessThan(0);
      expect(bots.map((b) => b.status().pnlRatio)).toEqual([live!.pnl_ratio, shadow!.pnl_ratio]);
      const [o] = await run({ testId: 'engine' }, deps());
      const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
      expect(o).toMatchObject({ kind: 'decided', decision: 'PROMOTE', shadowPnl: shadow!.pnl_ratio, livePnl: live!.pnl_ratio });
      expect(await tests.get({ test_id: 'engine' })).toMatchObject({ status: 'PROMOTE', reason: expect.stringContaining(`shadow ${pct(shadow!.pnl_ratio!)} vs live ${pct(live!.pnl_ratio!)}`) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
