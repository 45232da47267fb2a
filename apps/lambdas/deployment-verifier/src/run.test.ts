import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { NotFoundError, Table, type DeploymentItem, type HealthItem, type RollbackItem, type TradingItem } from '@tradai/domain';
import { hookDocumentClient, readBarrierClient, startDynalite, type Dynalite } from '@tradai/domain/testing';
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

const lambda = mockClient(LambdaClient);
/** An Invoke response payload (the SDK's blob adapter is a Uint8Array with transformToString). */
const payload = (s: string) => Object.assign(new TextEncoder().encode(s), { transformToString: () => s });
const sns = mockClient(SNSClient);
const T0 = Date.parse('2026-03-01T12:00:00Z');
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();
// Every test gets its own tables: no test depends on another's writes.
let db: Dynalite;
let t: { deployments: Table<DeploymentItem>; health: Table<HealthItem>; trading: Table<TradingItem>; rollbacks: Table<RollbackItem> };

beforeEach(async () => {
  db = await startDynalite();
  const n = await db.createTables(['deployments', 'health_state', 'trading_state', 'rollback_state']);
  t = {
    deployments: new Table(db.doc, 'deployments', n.deployments),
    health: new Table(db.doc, 'health_state', n.health_state),
    trading: new Table(db.doc, 'trading_state', n.trading_state),
    rollbacks: new Table(db.doc, 'rollback_state', n.rollback_state),
  };
  await t.health.put({ service: 'live-trading', status: 'healthy', checked_at: iso(1) });
  lambda.reset();
  sns.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload('{"status":"COMPLETED"}') });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});
afterEach(() => db.stop());

/** A `verifying` deployment `<s>-d2` deployed at T0 and, with a drawdown, its live bot `<s>-1`. */
async function deployed(s: string, drawdown?: number): Promise<{ strategy: string; deploymentId: string }> {
  await t.deployments.put({ strategy: s, deployed_at: iso(0), deployment_id: `${s}-d2`, config_version: 2, source: 'promote-model', status: 'verifying' });
  if (drawdown !== undefined) await t.trading.put({ bot_id: `${s}-1`, strategy: s, mode: 'live', deployment_id: `${s}-d2`, last_heartbeat_at: iso(5), max_drawdown: drawdown });
  return { strategy: s, deploymentId: `${s}-d2` };
}

const deps = (minutes: number, overrides: Partial<Deps> = {}): Deps => ({
  ...t,
  lambda: new LambdaClient({ region: 'us-east-1' }),
  rollbackFunctionName: 'tradai-rollback-dev',
  sns: new SNSClient({ region: 'us-east-1' }),
  alertsTopicArn: 'arn:aws:sns:us-east-1:0:alerts',
  environment: 'dev',
  settings: { windowMinutes: 30, maxDrawdownRegression: 0.05 },
  now: () => new Date(T0 + minutes * 60_000),
  ...overrides,
});
const invokedWith = (i = 0) => JSON.parse(new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[i]!.args[0].input.Payload as Uint8Array)) as Record<string, unknown>;

describe('deployment-verifier', () => {
  it('passes a healthy deployment: pending in the window, then verified and marked so, no rollback', async () => {
    const good = await deployed('good', 0.01);
    expect(await run(good, deps(10))).toEqual({ ...good, verdict: { kind: 'pending', minutesLeft: 20 } });
    expect((await t.deployments.latest('good'))!.status).toBe('verifying');
    const r = await run(good, deps(31));
    expect(r).toEqual({ ...good, verdict: { kind: 'verified' }, marked: 'verified' });
    expect(await t.deployments.latest('good')).toMatchObject({ status: 'verified', verified_at: iso(31) });
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(await t.rollbacks.query('good')).toEqual([]);
  });

  it('marks a verified deployment once (a duplicate call leaves the first mark)', async () => {
    const good = await deployed('good', 0.01);
    await run(good, deps(31));
    const r = await run(good, deps(40));
    expect(r).toEqual({ ...good, verdict: { kind: 'verified' } });
    expect(await t.deployments.latest('good')).toMatchObject({ status: 'verified', verified_at: iso(31) });
  });

  it('does not mark a deployment verified that is not verifying (registered, active)', async () => {
    const good = await deployed('good', 0.01);
    await t.deployments.update({ strategy: 'good', deployed_at: iso(0) }, { status: 'active' });
    expect(await run(good, deps(31))).toEqual({ ...good, verdict: { kind: 'verified' } });
    expect((await t.deployments.latest('good'))!.status).toBe('active');
  });

  it('on regression records a REQUESTED rollback and invokes the rollback function with it', async () => {
    const bad = await deployed('bad', 0.12);
    const r = await run(bad, deps(5));
    expect(r).toEqual({ ...bad, verdict: { kind: 'regressed', reasons: ['bot bad-1 drawdown 12.00% exceeds 5.00%'] }, rollback: 'invoked' });
    expect(await t.rollbacks.query('bad')).toEqual([
      { strategy: 'bad', requested_at: iso(5), reason: 'deployment bad-d2 regressed: bot bad-1 drawdown 12.00% exceeds 5.00%', requested_by: 'deployment-verifier', from_deployment_id: 'bad-d2', status: 'REQUESTED' },
    ]);
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'tradai-rollback-dev', InvocationType: 'RequestResponse' });
    expect(invokedWith()).toEqual({ strategy: 'bad', deploymentId: 'bad-d2', requestedBy: 'deployment-verifier', requestedAt: iso(5), reason: 'deployment bad-d2 regressed: bot bad-1 drawdown 12.00% exceeds 5.00%' });
  });

  it('gives every reason of a regression in the rollback request, separated', async () => {
    const bad = await deployed('bad', 0.12);
    await t.health.put({ service: 'live-trading', status: 'unhealthy', checked_at: iso(4), changed_at: iso(3), error: 'HTTP 503' });
    await run(bad, deps(5));
    expect(invokedWith().reason).toBe(`deployment bad-d2 regressed: live-trading unhealthy since ${iso(3)} (HTTP 503); bot bad-1 drawdown 12.00% exceeds 5.00%`);
  });

  it('accepts a rollback function that answers with an empty payload', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    expect(await run(await deployed('bad', 0.12), deps(5))).toMatchObject({ rollback: 'invoked' });
  });

  it('does not roll back twice when verified again (duplicate delivery)', async () => {
    const bad = await deployed('bad', 0.12);
    await run(bad, deps(5));
    lambda.resetHistory();
    const r = await run(bad, deps(6));
    expect(r.rollback).toBe('already-requested');
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
    expect(await t.rollbacks.query('bad')).toHaveLength(1);
  });

  it('asks for a rollback again when the earlier one FAILED, and ignores rollbacks of other deployments', async () => {
    const bad = await deployed('bad', 0.12);
    await t.rollbacks.put({ strategy: 'bad', requested_at: iso(1), reason: 'r', requested_by: 'deployment-verifier', from_deployment_id: 'bad-d2', status: 'FAILED' });
    await t.rollbacks.put({ strategy: 'bad', requested_at: iso(2), reason: 'r', requested_by: 'ops', from_deployment_id: 'bad-d1', status: 'COMPLETED' });
    expect(await run(bad, deps(5))).toMatchObject({ rollback: 'invoked' });
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });

  it('finds an earlier rollback request among the 50 newest rollback records of the strategy, not beyond', async () => {
    const bad = await deployed('bad', 0.12);
    await t.rollbacks.put({ strategy: 'bad', requested_at: iso(-100), reason: 'r', requested_by: 'deployment-verifier', from_deployment_id: 'bad-d2', status: 'REQUESTED' });
    for (let i = 0; i < 49; i++) await t.rollbacks.put({ strategy: 'bad', requested_at: iso(-99 + i), reason: 'r', requested_by: 'ops', from_deployment_id: `other-${i}`, status: 'COMPLETED' });
    expect(await run(bad, deps(5))).toMatchObject({ rollback: 'already-requested' });
    await t.rollbacks.put({ strategy: 'bad', requested_at: iso(-50), reason: 'r', requested_by: 'ops', from_deployment_id: 'other-49', status: 'COMPLETED' });
    expect(await run(bad, deps(5))).toMatchObject({ rollback: 'invoked' });
  });

  it('marks the rollback FAILED and alerts when the rollback function fails', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('{"errorMessage":"no previous deployment"}') });
    await expect(run(await deployed('broken', 0.2), deps(5))).rejects.toThrow(
      new Error('rollback function tradai-rollback-dev failed (Unhandled): {"errorMessage":"no previous deployment"}'),
    );
    expect(await t.rollbacks.query('broken')).toEqual([expect.objectContaining({ status: 'FAILED', error: 'rollback function tradai-rollback-dev failed (Unhandled): {"errorMessage":"no previous deployment"}' })]);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:aws:sns:us-east-1:0:alerts', Subject: '[tradai-dev] broken: regression, rollback FAILED' });
    const alert = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as Record<string, unknown>;
    expect(alert).toMatchObject({
      type: 'deployment.verification',
      severity: 'critical',
      source: 'deployment-verifier',
      occurredAt: iso(5),
      message: 'deployment broken-d2 regressed: bot broken-1 drawdown 20.00% exceeds 5.00%\nrollback failed: rollback function tradai-rollback-dev failed (Unhandled): {"errorMessage":"no previous deployment"}',
    });
  });

  it('quotes at most 500 characters of a failed rollback function answer', async () => {
    const answer = `{"errorMessage":"${'x'.repeat(600)}"}`;
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload(answer) });
    await expect(run(await deployed('broken', 0.2), deps(5))).rejects.toThrow(new Error(`rollback function tradai-rollback-dev failed (Unhandled): ${answer.slice(0, 500)}`));
  });

  it('warns when no live bot reported during the whole window', async () => {
    const silent = await deployed('silent');
    const r = await run(silent, deps(45));
    expect(r).toEqual({ ...silent, verdict: { kind: 'inconclusive', reason: 'no live bot reported for deployment silent-d2 within 30 min' } });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: '[tradai-dev] silent: deployment not verified' });
    const alert = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as Record<string, unknown>;
    expect(alert).toMatchObject({ type: 'deployment.verification', severity: 'warning', source: 'deployment-verifier', message: 'no live bot reported for deployment silent-d2 within 30 min', occurredAt: iso(45), dedupKey: 'verify:silent-d2:inconclusive' });
    // No evidence either way: the deployment is not marked verified.
    expect((await t.deployments.latest('silent'))!.status).toBe('verifying');
  });

  it('cuts alert subjects to the 100 characters SNS allows', async () => {
    const s = 'a'.repeat(63);
    await run(await deployed(s), deps(45, { environment: 'staging' }));
    const subject = `[tradai-staging] ${s}: deployment not verified`;
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { Subject: subject.slice(0, 100) });
  });

  it('rejects malformed input naming the field, and an unknown deployment, writing nothing', async () => {
    await deployed('good', 0.01);
    await deployed('bad', 0.12);
    await expect(run({ strategy: 'good' }, deps(5))).rejects.toThrow(/invalid deployment-verifier event: deploymentId:/);
    await expect(run({ strategy: 'good', deploymentId: '' }, deps(5))).rejects.toThrow(/invalid deployment-verifier event: deploymentId:/);
    await expect(run({ strategy: 'good', deploymentId: 'bad-d2' }, deps(5))).rejects.toThrow(new NotFoundError('deployment bad-d2 of strategy good not found'));
    await expect(run({ strategy: 'good', deploymentId: 'nope' }, deps(5))).rejects.toThrow(new NotFoundError('deployment nope of strategy good not found'));
    expect(await t.rollbacks.query('good')).toEqual([]);
    expect(await t.rollbacks.query('bad')).toEqual([]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });
});

describe('deployment-verifier under concurrency', () => {
  it('a rollback marking the deployment after the verifier read it wins: the verifier does not overwrite rolled_back', async () => {
    const good = await deployed('good', 0.01);
    // The verifier reads the deployment (verifying); the rollback marks it right after, as rollback does.
    const stale = hookDocumentClient(db.doc, async (command, send) => {
      const res = await send();
      if ((command as { input?: { IndexName?: string } }).input?.IndexName === 'deployment_id-index') {
        await t.deployments.update({ strategy: 'good', deployed_at: iso(0) }, { status: 'rolled_back' });
      }
      return res;
    });
    const r = await run(good, deps(31, { deployments: new Table<DeploymentItem>(stale, 'deployments', t.deployments.tableName) }));
    expect(r).toEqual({ ...good, verdict: { kind: 'verified' } });
    expect(await t.deployments.latest('good')).toEqual(expect.objectContaining({ status: 'rolled_back' }));
    expect((await t.deployments.latest('good'))!.verified_at).toBeUndefined();
  });

  it('two verifiers that both read before either writes: exactly one marks the deployment verified', async () => {
    const good = await deployed('good', 0.01);
    const { doc } = readBarrierClient(db.doc, 2);
    const racing = new Table<DeploymentItem>(doc, 'deployments', t.deployments.tableName);
    const [a, b] = await Promise.all([run(good, deps(31, { deployments: racing })), run(good, deps(32, { deployments: racing }))]);
    expect([a.marked, b.marked].filter(Boolean)).toEqual(['verified']);
    const winner = a.marked ? 31 : 32;
    expect(await t.deployments.latest('good')).toMatchObject({ status: 'verified', verified_at: iso(winner) });
  });
  it('two verifiers that both see the regression before either asks: exactly one records and invokes a rollback', async () => {
    const bad = await deployed('bad', 0.12);
    // Both read the rollback history (no request yet) before either writes.
    const { doc } = readBarrierClient(db.doc, 2);
    const racing = { rollbacks: new Table<RollbackItem>(doc, 'rollback_state', t.rollbacks.tableName) };
    const [a, b] = await Promise.all([run(bad, deps(5, racing)), run(bad, deps(6, racing))]);
    expect([a.rollback, b.rollback].sort()).toEqual(['already-requested', 'invoked']);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    const winnerAt = a.rollback === 'invoked' ? iso(5) : iso(6);
    expect(await t.rollbacks.query('bad')).toEqual([expect.objectContaining({ requested_at: winnerAt, status: 'REQUESTED' })]);
    expect(invokedWith()).toMatchObject({ requestedAt: winnerAt });
    expect(await t.deployments.latest('bad')).toMatchObject({ rollback_requested_at: winnerAt });
  });

  it('after a FAILED request, two verifiers asking again: one claims over the failed request, the other asks for nothing', async () => {
    const bad = await deployed('bad', 0.12);
    await t.deployments.update({ strategy: 'bad', deployed_at: iso(0) }, { rollback_requested_at: iso(1) });
    await t.rollbacks.put({ strategy: 'bad', requested_at: iso(1), reason: 'r', requested_by: 'deployment-verifier', from_deployment_id: 'bad-d2', status: 'FAILED' });
    const { doc } = readBarrierClient(db.doc, 2);
    const racing = { rollbacks: new Table<RollbackItem>(doc, 'rollback_state', t.rollbacks.tableName) };
    const [a, b] = await Promise.all([run(bad, deps(5, racing)), run(bad, deps(6, racing))]);
    expect([a.rollback, b.rollback].sort()).toEqual(['already-requested', 'invoked']);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect((await t.rollbacks.query('bad')).map((r) => r.status)).toEqual(['FAILED', 'REQUESTED']);
  });
});

describe('deployment-verifier on rows the trading engine wrote', () => {
  it('verifies the deployment whose live bot traded within limits and rolls back the one whose bot drew down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verifier-engine-'));
    try {
      for (const s of ['eng-good', 'eng-bad']) await deployed(s);
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
