import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Table, type ShadowTestItem, type TradingItem } from '@tradai/domain';
import { readBarrierClient, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { captureLogs, importWithLogLevel } from '@tradai/lambda-core/testing';
import { localBlobs } from '@tradai/market-data';
import { replayBots } from '@tradai/trading-engine';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
const { run } = await import('./run.js');
type Deps = import('./run.js').Deps;

const sns = mockClient(SNSClient);
const NOW = Date.parse('2026-03-05T00:00:00Z');
const hoursAgo = (h: number) => new Date(NOW - h * 3_600_000).toISOString();
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

// Each test gets its own dynalite, seeded the same way, and a reset SNS mock.
let db: Dynalite;
let tests: Table<ShadowTestItem>;
let trading: Table<TradingItem>;
beforeEach(async () => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
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
afterEach(() => db.stop());

/** run() from a fresh module whose logger writes INFO (the one imported above is SILENT). */
const loggingRun = async (): Promise<typeof run> => (await importWithLogLevel('INFO', () => import('./run.js'))).run;

const deps = (over: Partial<Deps> = {}): Deps => ({ tests, trading, sns: new SNSClient({ region: 'us-east-1' }), alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts', environment: 'dev', settings: { minShadowHours: 24, minPnlEdge: 0 }, now: () => new Date(NOW), ...over });
const published = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

describe('shadow-test-evaluator', () => {
  it('decides every RUNNING test old enough, records and announces each decision', async () => {
    const outcomes = await run({ source: 'aws.events' }, deps());
    const by = Object.fromEntries(outcomes.map((o) => [o.testId, o.kind === 'decided' ? o.decision : o.kind]));
    expect(by).toEqual({ win: 'PROMOTE', lose: 'REJECT', young: 'wait' });
    expect(await tests.get({ test_id: 'win' })).toEqual({
      test_id: 'win',
      strategy: 'alpha',
      status: 'PROMOTE',
      started_at: hoursAgo(30),
      decided_at: new Date(NOW).toISOString(),
      reason: 'shadow 4.00% vs live 1.00%: edge 3.00%, minimum 0.00%',
    });
    expect(await tests.get({ test_id: 'lose' })).toMatchObject({ status: 'REJECT' });
    expect(await tests.get({ test_id: 'young' })).toEqual({ test_id: 'young', strategy: 'alpha', status: 'RUNNING', started_at: hoursAgo(2) });
    expect(await tests.get({ test_id: 'done' })).toMatchObject({ status: 'REJECT', reason: 'old' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    const win = published().find((p) => p.Subject?.includes('win'))!;
    expect(win).toMatchObject({ TopicArn: 'arn:aws:sns:us-east-1:0:alerts', Subject: '[tradai-dev] shadow test win (alpha): PROMOTE' });
    expect(JSON.parse(win.Message!)).toMatchObject({
      type: 'shadow_test.decision',
      severity: 'info',
      source: 'shadow-test-evaluator',
      message: 'shadow 4.00% vs live 1.00%: edge 3.00%, minimum 0.00%',
      occurredAt: new Date(NOW).toISOString(),
      dedupKey: 'shadow:win:PROMOTE',
      details: { testId: 'win', strategy: 'alpha', decision: 'PROMOTE', shadowPnl: 0.04, livePnl: 0.01 },
    });
  });

  it('keeps the alert subject within the SNS limit of 100 characters', async () => {
    const id = `t-${'x'.repeat(120)}`;
    await tests.put({ test_id: id, strategy: 'alpha', status: 'RUNNING', started_at: hoursAgo(30) });
    await run({ testId: id }, deps());
    expect(published()[0]!.Subject).toBe(`[tradai-dev] shadow test ${id}`.slice(0, 100));
  });

  it('leaves a failed alert undecided so the next run decides it again', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS throttled'));
    await expect(run({ testId: 'win' }, deps())).rejects.toThrow('shadow test evaluation failed for 1 of 1 test(s): win: SNS throttled');
    expect(await tests.get({ test_id: 'win' })).toMatchObject({ status: 'RUNNING' });
    sns.on(PublishCommand).resolves({ MessageId: 'm2' });
    expect(await run({ testId: 'win' }, deps())).toEqual([expect.objectContaining({ kind: 'decided', decision: 'PROMOTE' })]);
  });

  it('keeps deciding the others when one test fails, then names it', async () => {
    await tests.put({ test_id: 'corrupt', strategy: 'alpha', status: 'RUNNING', started_at: 'last tuesday' });
    const logged = await loggingRun();
    const logs = await captureLogs(() => expect(logged({}, deps())).rejects.toThrow('shadow test evaluation failed for 1 of 4 test(s): corrupt: shadow test corrupt: started_at "last tuesday" is not an ISO-8601 time'));
    // The failure is logged with its test id as it happens; every outcome is logged at the end.
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([
      expect.objectContaining({ message: 'shadow test evaluation failed', service: 'shadow-test-evaluator', testId: 'corrupt', error: expect.objectContaining({ message: expect.stringContaining('"last tuesday"') }) }),
    ]);
    const summary = logs.find((l) => l.message === 'shadow tests evaluated');
    expect((summary?.outcomes as { testId: string }[]).map((o) => o.testId).sort()).toEqual(['lose', 'win', 'young']);
    expect(await tests.get({ test_id: 'win' })).toMatchObject({ status: 'PROMOTE' });
    expect(await tests.get({ test_id: 'lose' })).toMatchObject({ status: 'REJECT' });
  });

  it('is a no-op for an already decided test (duplicate delivery)', async () => {
    await tests.put({ test_id: 'win', strategy: 'alpha', status: 'PROMOTE', started_at: hoursAgo(30), decided_at: hoursAgo(1), reason: 'earlier' });
    expect(await run({ testId: 'win' }, deps())).toEqual([{ kind: 'already-decided', testId: 'win', decision: 'PROMOTE' }]);
    expect(await run({ testId: 'done' }, deps())).toEqual([{ kind: 'already-decided', testId: 'done', decision: 'REJECT' }]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(await tests.get({ test_id: 'win' })).toMatchObject({ decided_at: hoursAgo(1), reason: 'earlier' });
  });

  it('two evaluators at once: both read RUNNING before either writes, one verdict is recorded', async () => {
    // Different edges make them disagree (PROMOTE vs REJECT): a lost condition would let the
    // second overwrite the first's verdict, and both would report a decision.
    const gated = readBarrierClient(db.doc);
    const racingTests = new Table<ShadowTestItem>(gated.doc, 'shadow_test_state', tests.tableName);
    const [a, b] = await Promise.all([
      run({ testId: 'win' }, deps({ tests: racingTests, settings: { minShadowHours: 24, minPnlEdge: 0 } })),
      run({ testId: 'win' }, deps({ tests: racingTests, settings: { minShadowHours: 24, minPnlEdge: 0.5 } })),
    ]);
    const outcomes = [a[0]!, b[0]!];
    const decided = outcomes.flatMap((o) => (o.kind === 'decided' ? [o] : []));
    const lost = outcomes.filter((o) => o.kind === 'already-decided');
    expect(decided).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const stored = await tests.get({ test_id: 'win' });
    expect(stored).toMatchObject({ status: decided[0]!.decision, reason: decided[0]!.reason });
    expect(lost[0]).toEqual({ kind: 'already-decided', testId: 'win', decision: stored!.status });
    expect(gated.reads()).toBe(3);
    // Both announced what they decided; the dispatcher folds alerts by dedup key.
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  it('rejects malformed input naming the field; an unknown test is a clear error', async () => {
    await expect(run({ testId: 42 }, deps())).rejects.toThrow(/invalid shadow-test-evaluator event: testId:/);
    await expect(run({ testId: 'x'.repeat(129) }, deps())).rejects.toThrow(/invalid shadow-test-evaluator event: testId:/);
    await expect(run({ testId: 'ghost' }, deps())).rejects.toThrow('shadow test ghost not found');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('accepts a test id of the maximum length', async () => {
    const id = 'y'.repeat(128);
    await tests.put({ test_id: id, strategy: 'alpha', status: 'RUNNING', started_at: hoursAgo(1) });
    expect(await run({ testId: id }, deps())).toEqual([expect.objectContaining({ kind: 'wait', testId: id })]);
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
      expect(o).toMatchObject({ kind: 'decided', decision: 'PROMOTE', shadowPnl: shadow!.pnl_ratio, livePnl: live!.pnl_ratio });
      expect(await tests.get({ test_id: 'engine' })).toMatchObject({ status: 'PROMOTE', reason: expect.stringContaining(`shadow ${pct(shadow!.pnl_ratio!)} vs live ${pct(live!.pnl_ratio!)}`) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
