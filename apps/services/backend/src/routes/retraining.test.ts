import { DescribeExecutionCommand, StartExecutionCommand, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBarrierClient } from '@tradai/domain/testing';
import { buildBackendApp } from '../app.js';
import { depsFrom } from '../deps.js';
import { NOW, RETRAINING_SM, problemOf, startHarness, type Harness } from '../test-support.js';

let h: Harness;
/** Executions by name, with Step Functions' StartExecution rules for a closed execution. */
let executions: Map<string, { input: string; arn: string }>;

beforeAll(async () => {
  h = await startHarness();
  await h.deps.configVersions.append({ strategy: 'trend', config_key: 'configs/trend/1.json', image: 'repo@sha256:1', created_at: '2026-05-01T00:00:00Z', source: 'strategy-registrar' });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.sfn.reset();
  executions = new Map();
  h.sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => {
    const name = input.name!;
    if (executions.has(name)) throw Object.assign(new Error(`Execution Already Exists: '${name}'`), { name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });
    const arn = `${RETRAINING_SM.replace(':stateMachine:', ':execution:')}:${name}`;
    executions.set(name, { input: input.input!, arn });
    return { executionArn: arn, startDate: new Date('2026-06-01T12:00:00Z') };
  });
  h.sfn.on(DescribeExecutionCommand).callsFake(({ executionArn }: { executionArn: string }) => {
    const e = [...executions.values()].find((x) => x.arn === executionArn);
    return { executionArn, input: e?.input, startDate: new Date('2026-06-01T12:00:00Z'), status: 'SUCCEEDED' };
  });
});

const post = (strategy: string, body?: unknown, key?: string) =>
  h.app.inject({ method: 'POST', url: `/api/v1/retraining/${strategy}`, ...(body !== undefined ? { payload: body as object } : {}), headers: key ? { 'idempotency-key': key } : {} });

describe('POST /api/v1/retraining/{strategy}', () => {
  it('starts the retraining workflow with a manual, forced trigger', async () => {
    const res = await post('trend');
    expect(res.statusCode).toBe(202);
    const body = JSON.parse(res.body);
    expect(body.executionName).toMatch(/^rt-trend-[0-9a-f]{32}$/);
    expect(body.input).toEqual({ strategy: 'trend', trigger: 'manual', force: true });
    const call = h.sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(call.stateMachineArn).toBe(RETRAINING_SM);
    expect(JSON.parse(call.input!)).toEqual({ strategy: 'trend', trigger: 'manual', force: true });
  });

  it('passes the model to retrain and the force flag into the workflow input', async () => {
    const res = await post('trend', { force: false, modelName: 'trend-lgbm' });
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(h.sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({ strategy: 'trend', trigger: 'manual', force: false, modelName: 'trend-lgbm' });
  });

  it('400 saying what an Idempotency-Key must be', async () => {
    const res = await post('trend', {}, 'k'.repeat(201));
    expect(problemOf(res).errors).toContainEqual(expect.objectContaining({ path: 'headers.idempotency-key', message: 'must be 1-200 printable ASCII characters' }));
  });

  it('without a key, two POSTs start two executions', async () => {
    await post('trend');
    await post('trend');
    expect(executions.size).toBe(2);
  });

  it('with the same Idempotency-Key a retried POST starts one execution and answers the same', async () => {
    const first = await post('trend', { force: false, modelName: 'trend-model' }, 'retry-123');
    const again = await post('trend', { force: false, modelName: 'trend-model' }, 'retry-123');
    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(executions.size).toBe(1);
    expect(JSON.parse(again.body).executionArn).toBe(JSON.parse(first.body).executionArn);
  });

  it('two concurrent POSTs with the same Idempotency-Key start one execution and answer the same', async () => {
    // Both requests have read the strategy's config version before either starts an execution.
    const gated = readBarrierClient(h.db.doc);
    const app = await buildBackendApp(depsFrom(h.config, { doc: gated.doc, s3: h.deps.s3, sfn: h.deps.sfn, lambda: h.deps.lambda, now: () => NOW }), { logLevel: 'silent' });
    try {
      const [a, b] = await Promise.all([0, 1].map(() => app.inject({ method: 'POST', url: '/api/v1/retraining/trend', payload: { force: true }, headers: { 'idempotency-key': 'double-click' } })));
      expect([a!.statusCode, b!.statusCode]).toEqual([202, 202]);
      expect(gated.reads()).toBe(2);
      expect(executions.size).toBe(1);
      expect(h.sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
      expect(JSON.parse(a!.body).executionArn).toBe(JSON.parse(b!.body).executionArn);
      expect(JSON.parse(a!.body).executionArn).toBe([...executions.values()][0]!.arn);
    } finally {
      await app.close();
    }
  });

  it('409 when the key is reused for a different request', async () => {
    await post('trend', { force: true }, 'k-1');
    const res = await post('trend', { force: false }, 'k-1');
    expect(res.statusCode).toBe(409);
    expect(problemOf(res).detail).toBe('Idempotency-Key k-1 was used for a different retraining request of trend');
    expect(executions.size).toBe(1);
  });

  it('404 for a strategy without a config version, nothing started', async () => {
    const res = await post('ghost');
    expect(res.statusCode).toBe(404);
    expect(problemOf(res).detail).toBe('strategy ghost has no config version');
    expect(h.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it.each([
    ['Bad-Name', {}, undefined, 'params.strategy'],
    ['trend', { force: 'yes' }, undefined, 'body.force'],
    ['trend', {}, 'has space', 'headers.idempotency-key'],
  ])('400 naming the field (%s %j %s)', async (strategy, body, key, path) => {
    const res = await post(strategy, body, key);
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors?.map((e) => e.path)).toContain(path);
  });

  it('503 naming Step Functions when it is down', async () => {
    h.sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', $metadata: {} }));
    const res = await post('trend', {}, 'k-down');
    expect(res.statusCode).toBe(503);
    expect(problemOf(res).detail).toMatch(/^Step Functions unavailable/);
  });

  it('503 naming DynamoDB when the config table is unreachable, nothing started', async () => {
    const down = await h.outageApp({ dynamodb: true });
    const res = await down.inject({ method: 'POST', url: '/api/v1/retraining/trend' });
    expect(res.statusCode).toBe(503);
    expect(h.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
