import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { Table, type TradingItem } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { localBlobs } from '@tradai/market-data';
import { withLogs, type LogLine } from '@tradai/lambda-core/testing';
import { replayBots } from '@tradai/trading-engine';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // run.ts creates its logger at import: INFO, so the tests can read what operators read.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const NOW = Date.parse('2026-03-01T12:00:00Z');
const cw = mockClient(CloudWatchClient);
let db: Dynalite;
let bots: Table<TradingItem>;

beforeAll(async () => {
  db = await startDynalite();
  const names = await db.createTables(['trading_state']);
  bots = new Table<TradingItem>(db.doc, 'trading_state', names.trading_state);
  await bots.put({ bot_id: 'live-1', strategy: 'momentum', mode: 'live', last_heartbeat_at: new Date(NOW - 30_000).toISOString() });
  await bots.put({ bot_id: 'live-2', strategy: 'momentum', mode: 'live', last_heartbeat_at: new Date(NOW - 600_000).toISOString() });
  await bots.put({ bot_id: 'dry-1', strategy: 'meanrev', mode: 'dry-run', last_heartbeat_at: new Date(NOW - 3_600_000).toISOString() });
});
afterAll(() => db.stop());
beforeEach(() => cw.reset());

/** run() with its log lines (captured, so they also stay out of the test output). */
async function runLogged(event: unknown, d: Deps) {
  let logs: LogLine[] = [];
  const result = await withLogs(() => run(event, d), (l) => (logs = l));
  return { result, logs };
}

const deps = (): Deps => ({ bots, cloudwatch: new CloudWatchClient({ region: 'us-east-1' }), environment: 'dev', staleSeconds: 180, now: () => NOW });

describe('heartbeat-monitor handler', () => {
  it('publishes the number of stale bots to TradAI/StaleHeartbeats for the environment', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const { result, logs } = await runLogged({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-03-01T12:00:00Z' }, deps());
    expect(result.bots).toBe(3);
    expect([...result.stale].sort((a, b) => a.botId.localeCompare(b.botId))).toEqual([
      { botId: 'dry-1', strategy: 'meanrev', ageSeconds: 3600 },
      { botId: 'live-2', strategy: 'momentum', ageSeconds: 600 },
    ]);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 1);
    expect(cw).toHaveReceivedCommandWith(PutMetricDataCommand, {
      Namespace: 'TradAI',
      MetricData: [{ MetricName: 'StaleHeartbeats', Value: 2, Unit: 'Count', Dimensions: [{ Name: 'Environment', Value: 'dev' }], Timestamp: new Date(NOW) }],
    });
    // Operators find the silent bots by this warning.
    expect(logs).toEqual([expect.objectContaining({ level: 'WARN', service: 'heartbeat-monitor', message: 'stale heartbeats', stale: result.stale })]);
  });

  it('passes HEARTBEAT_STALE_SECONDS through: at exactly a bot\'s age it is fresh, one second less and it is stale', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    // live-2 beat 600 s before NOW.
    expect((await runLogged({}, { ...deps(), staleSeconds: 600 })).result.stale.map((s) => s.botId).sort()).toEqual(['dry-1']);
    expect((await runLogged({}, { ...deps(), staleSeconds: 599 })).result.stale.map((s) => s.botId).sort()).toEqual(['dry-1', 'live-2']);
  });

  it('publishes 0 when every bot is fresh', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const { result, logs } = await runLogged({}, { ...deps(), staleSeconds: 7200 });
    expect(result).toEqual({ bots: 3, stale: [] });
    expect(cw).toHaveReceivedCommandWith(PutMetricDataCommand, { MetricData: [expect.objectContaining({ Value: 0 })] });
    expect(logs).toEqual([expect.objectContaining({ level: 'INFO', message: 'all heartbeats fresh', bots: 3 })]);
  });

  it('publishes the same gauge value on a duplicate delivery of a tick (the alarm sees no change)', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-03-01T12:00:00Z' };
    await runLogged(tick, deps());
    await runLogged(tick, deps());
    const values = cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData![0]!.Value);
    expect(values).toEqual([2, 2]);
  });

  it('rejects a malformed event naming the field and publishes nothing', async () => {
    await expect(runLogged({ time: 'noon' }, deps())).rejects.toThrow(/^invalid heartbeat-monitor event: time:/);
    await expect(runLogged('tick', deps())).rejects.toThrow(/^invalid heartbeat-monitor event: \(root\)/);
    expect(cw).toHaveReceivedCommandTimes(PutMetricDataCommand, 0);
  });

  it('fails loudly when CloudWatch rejects the datapoint (the alarm would otherwise go silent)', async () => {
    cw.on(PutMetricDataCommand).rejects(new Error('Throttling: Rate exceeded'));
    await expect(runLogged({}, deps())).rejects.toThrow(/Rate exceeded/);
  });
});

describe('heartbeat-monitor on rows the trading engine wrote', () => {
  it('a bot that went silent is stale, a beating one is not, a bot stopped on purpose is gone', async () => {
    const engineDb = await startDynalite();
    const dir = mkdtempSync(join(tmpdir(), 'heartbeat-engine-'));
    try {
      const names = await engineDb.createTables(['trading_state']);
      const table = new Table<TradingItem>(engineDb.doc, 'trading_state', names.trading_state);
      const from = NOW - 6 * 3_600_000;
      const { bots: [silent, beating, stopped] } = await replayBots({
        table,
        blobs: localBlobs(dir),
        strategy: 'momentum',
        bots: [
          { botId: 'engine-silent', mode: 'dry-run', offset: 5 },
          { botId: 'engine-beating', mode: 'shadow', offset: 1 },
          { botId: 'engine-stopped', mode: 'dry-run', offset: 5 },
        ],
        from,
        hours: 3,
      });
      await beating!.heartbeat(NOW - 20_000);
      await stopped!.shutdown(NOW - 60_000, true);
      cw.on(PutMetricDataCommand).resolves({});
      const { result } = await runLogged({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-03-01T12:00:00Z' }, { ...deps(), bots: table });
      expect(result.bots).toBe(2);
      // Last beat of the silent bot: its third hourly cycle, 1 s after 08:00.
      expect(result.stale).toEqual([{ botId: 'engine-silent', strategy: 'momentum', ageSeconds: Math.floor((NOW - (from + 2 * 3_600_000 + 1_000)) / 1000) }]);
      expect(silent!.status().tradeCount + beating!.status().tradeCount).toBeGreaterThanOrEqual(0);
      expect(cw).toHaveReceivedCommandWith(PutMetricDataCommand, { MetricData: [expect.objectContaining({ Value: 1 })] });
    } finally {
      await engineDb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
