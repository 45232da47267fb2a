import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { Table, type DeploymentItem, type HealthItem, type RollbackItem, type TradingItem } from '@tradai/domain';
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

const lambda = mockClient(LambdaClient);
/** An Invoke response payload (the SDK's blob adapter is a Uint8Array with transformToString). */
const payload = (s: string) => Object.assign(new TextEncoder().encode(s), { transformToString: () => s });
const sns = mockClient(SNSClient);
const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();
let db: Dynalite;
let t: { deployments: Table<DeploymentItem>; health: Table<HealthItem>; trading: Table<TradingItem>; rollbacks: Table<RollbackItem> };

beforeAll(async () => {
  db = await startDynalite();
  const n = await db.createTables(['deployments', 'health_state', 'trading_state', 'rollback_state']);
  t = {
    deployments: new Table(db.doc, 'deployments', n.deployments),
    health: new Table(db.doc, 'health_state', n.health_state),
    trading: new Table(db.doc, 'trading_state', n.trading_state),
    rollbacks: new Table(db.doc, 'rollback_state', n.rollback_state),
  };
  await t.health.put({ service: 'live-trading', status: 'healthy', checked_at: iso(1) });
  for (const s of ['good', 'bad', 'broken', 'silent']) {
    await t.deployments.put({ strategy: s, deployed_at: iso(0), deployment_id: `${s}-d2`, config_version: 2, source: 'promote-model', status: 'verifying' });
  }
  await t.trading.put({ bot_id: 'good-1', strategy: 'good', mode: 'live', deployment_id: 'good-d2', last_heartbeat_at: iso(5), max_drawdown: 0.01 });
  await t.trading.put({ bot_id: 'bad-1', strategy: 'bad', mode: 'live', deployment_id: 'bad-d2', last_heartbeat_at: iso(5), max_drawdown: 0.12 });
  await t.trading.put({ bot_id: 'broken-1', strategy: 'broken', mode: 'live', deployment_id: 'broken-d2', last_heartbeat_at: iso(5), max_drawdown: 0.2 });
});
afterAll(() => db.stop());
beforeEach(() => {
  lambda.reset();
  sns.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload('{"status":"COMPLETED"}') });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

const deps = (minutes: number): Deps => ({
  ...t,
  lambda: new LambdaClient({ region: 'us-east-1' }),
  rollbackFunctionName: 'tradai-rollback-dev',
  sns: new SNSClient({ region: 'us-east-1' }),
  alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts',
  environment: 'dev',
  settings: { windowMinutes: 30, maxDrawdownRegression: 0.05 },
  now: () => new Date(T0 + minutes * 60_000),
});

describe('deployment-verifier', () => {
  it('passes a healthy deployment: pending in the window, then verified and marked so, no rollback', async () => {
    expect((await run({ strategy: 'good', deploymentId: 'good-d2' }, deps(10))).verdict).toEqual({ kind: 'pending', minutesLeft: 20 });
    expect((await t.deployments.latest('good'))!.status).toBe('verifying');
    const r = await run({ strategy: 'good', deploymentId: 'good-d2' }, deps(31));
    expect(r).toMatchObject({ verdict: { kind: 'verified' }, marked: 'verified' });
    expect(await t.deployments.latest('good')).toMatchObject({ status: 'verified', verified_at: iso(31) });
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
    expect(await t.rollbacks.query('good')).toEqual([]);
  });

  it('marks a verified deployment once (a duplicate call leaves the first mark)', async () => {
    const r = await run({ strategy: 'good', deploymentId: 'good-d2' }, deps(40));
    expect(r.verdict).toEqual({ kind: 'verified' });
    expect(r.marked).toBeUndefined();
    expect(await t.deployments.latest('good')).toMatchObject({ status: 'verified', verified_at: iso(31) });
  });

  it('on regression records a REQUESTED rollback and invokes the rollback function with it', async () => {
    const r = await run({ strategy: 'bad', deploymentId: 'bad-d2' }, deps(5));
    expect(r).toMatchObject({ verdict: { kind: 'regressed' }, rollback: 'invoked' });
    const [rec] = await t.rollbacks.query('bad');
    expect(rec).toMatchObject({ status: 'REQUESTED', from_deployment_id: 'bad-d2', requested_by: 'deployment-verifier', reason: expect.stringContaining('drawdown 12.00%') });
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'tradai-rollback-dev', InvocationType: 'RequestResponse' });
    const payload = JSON.parse(new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array)) as Record<string, unknown>;
    expect(payload).toEqual({ strategy: 'bad', deploymentId: 'bad-d2', requestedBy: 'deployment-verifier', requestedAt: rec!.requested_at, reason: rec!.reason });
  });

  it('does not roll back twice when verified again (duplicate delivery)', async () => {
    const r = await run({ strategy: 'bad', deploymentId: 'bad-d2' }, deps(6));
    expect(r.rollback).toBe('already-requested');
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
    expect(await t.rollbacks.query('bad')).toHaveLength(1);
  });

  it('marks the rollback FAILED and alerts when the rollback function fails', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('{"errorMessage":"no previous deployment"}') });
    await expect(run({ strategy: 'broken', deploymentId: 'broken-d2' }, deps(5))).rejects.toThrow(/rollback function tradai-rollback-dev failed \(Unhandled\): .*no previous deployment/);
    expect(await t.rollbacks.query('broken')).toEqual([expect.objectContaining({ status: 'FAILED', error: expect.stringContaining('no previous deployment') })]);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: expect.stringContaining('rollback FAILED') });
  });

  it('warns when no live bot reported during the whole window', async () => {
    const r = await run({ strategy: 'silent', deploymentId: 'silent-d2' }, deps(45));
    expect(r.verdict.kind).toBe('inconclusive');
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: expect.stringContaining('silent: deployment not verified') });
    // No evidence either way: the deployment is not marked verified.
    expect((await t.deployments.latest('silent'))!.status).toBe('verifying');
  });

  it('rejects malformed input naming the field, and an unknown deployment, writing nothing', async () => {
    await expect(run({ strategy: 'good' }, deps(5))).rejects.toThrow(/invalid deployment-verifier event: deploymentId:/);
    await expect(run({ strategy: 'good', deploymentId: 'bad-d2' }, deps(5))).rejects.toThrow(/deployment bad-d2 of strategy good not found/);
    expect(await t.rollbacks.query('good')).toEqual([]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });
});

describe('deployment-verifier on rows the trading engine wrote', () => {
  it('verifies the deployment whose live bot traded within limits and rolls back the one whose bot drew down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verifier-engine-'));
    try {
      for (const s of ['eng-good', 'eng-bad']) {
        await t.deployments.put({ strategy: s, deployed_at: iso(0), deployment_id: `${s}-d2`, config_version: 2, source: 'promote-model', status: 'verifying' });
      }
      // Live bots of each deployment, replayed over the window: eng-bad buys every peak.
      for (const [strategy, offset] of [['eng-good', 5], ['eng-bad', 1]] as const) {
        await replayBots({ table: t.trading, blobs: localBlobs(dir), strategy, bots: [{ botId: `${strategy}-1`, mode: 'live', offset, deploymentId: `${strategy}-d2`, configVersion: 2 }], from: T0, hours: 12 });
      }
      const good = await t.trading.get({ bot_id: 'eng-good-1' });
      const bad = await t.trading.get({ bot_id: 'eng-bad-1' });
      expect(good).toMatchObject({ mode: 'live', deployment_id: 'eng-good-d2' });
      expect(good!.max_drawdown!).toBeLessThan(0.05);
      expect(bad!.max_drawdown!).toBeGreaterThan(0.05);

      expect(await run({ strategy: 'eng-good', deploymentId: 'eng-good-d2' }, deps(31))).toMatchObject({ verdict: { kind: 'verified' }, marked: 'verified' });
      const r = await run({ strategy: 'eng-bad', deploymentId: 'eng-bad-d2' }, deps(31));
      expect(r).toMatchObject({ verdict: { kind: 'regressed', reasons: [`bot eng-bad-1 drawdown ${(bad!.max_drawdown! * 100).toFixed(2)}% exceeds 5.00%`] }, rollback: 'invoked' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
