import { tableFromEnv, WorkflowRepo } from '@tradai/domain';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { barrier, hookDocumentClient, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeRequest, type ConsumerDeps } from './run.js';

let db: Dynalite;
let workflows: WorkflowRepo;
const SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:tradai-backtest-test';
const request = { strategy: 'momo', symbols: ['BTC/USDT'], timeframe: '1h' as const, startDate: '2026-01-01T00:00:00Z', endDate: '2026-02-01T00:00:00Z', parameters: {} };

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['workflow_state']);
  workflows = new WorkflowRepo(tableFromEnv(db.doc, 'workflow_state', db.tableEnv()));
});
afterAll(() => db.stop());

function fakeSfn(fail?: Error, repo = workflows) {
  const started = new Map<string, string>();
  const deps: ConsumerDeps = {
    workflows: repo,
    stateMachineArn: SM,
    startExecution: async ({ name, input }) => {
      if (fail) throw fail;
      if (started.has(name)) throw Object.assign(new Error(`Execution Already Exists: ${name}`), { name: 'ExecutionAlreadyExists' });
      started.set(name, input);
      return `arn:aws:states:us-east-1:000000000000:execution:tradai-backtest-test:${name}`;
    },
  };
  return { deps, started };
}

describe('consumeRequest', () => {
  it('records QUEUED and starts the workflow named after the request', async () => {
    const { deps, started } = fakeSfn();
    const out = await consumeRequest(deps, request, 'r-1');
    expect(out).toMatchObject({ workflowId: 'bt-r-1', duplicateRecord: false, alreadyStarted: false });
    expect(JSON.parse(started.get('bt-r-1')!)).toMatchObject({ workflowId: 'bt-r-1', strategy: 'momo', resultKey: 'backtests/bt-r-1/result.json' });
    expect(await workflows.get('bt-r-1')).toMatchObject({ status: 'QUEUED', request_id: 'r-1', execution_arn: out.executionArn });
  });

  it('treats a duplicate as success: no second record, ExecutionAlreadyExists accepted', async () => {
    const { deps, started } = fakeSfn();
    await consumeRequest(deps, request, 'r-dup');
    await workflows.transition('bt-r-dup', 'RUNNING');
    const again = await consumeRequest(deps, { ...request, strategy: 'other' }, 'r-dup');
    expect(again).toMatchObject({ duplicateRecord: true, alreadyStarted: true, executionArn: `${SM.replace(':stateMachine:', ':execution:')}:bt-r-dup` });
    expect(started.size).toBe(1);
    // The running record was not reset to QUEUED nor overwritten.
    expect(await workflows.get('bt-r-dup')).toMatchObject({ status: 'RUNNING', strategy: 'momo' });
  });

  it('propagates a Step Functions failure and succeeds on retry', async () => {
    await expect(consumeRequest(fakeSfn(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).deps, request, 'r-down')).rejects.toThrow('Rate exceeded');
    expect(await workflows.get('bt-r-down')).toMatchObject({ status: 'QUEUED' });
    const { deps, started } = fakeSfn();
    expect(await consumeRequest(deps, request, 'r-down')).toMatchObject({ duplicateRecord: true, alreadyStarted: false });
    expect(started.has('bt-r-down')).toBe(true);
  });

  it('stores the request on the QUEUED record at the injected time', async () => {
    const { deps } = fakeSfn();
    const at = new Date('2026-03-04T05:06:07.000Z');
    await consumeRequest({ ...deps, now: () => at }, request, 'r-fields');
    expect(await workflows.get('bt-r-fields')).toEqual({
      workflow_id: 'bt-r-fields',
      workflow_type: 'backtest',
      status: 'QUEUED',
      strategy: 'momo',
      request_id: 'r-fields',
      result_key: 'backtests/bt-r-fields/result.json',
      request,
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
      execution_arn: 'arn:aws:states:us-east-1:000000000000:execution:tradai-backtest-test:bt-r-fields',
    });
  });

  it('derives the execution ARN when StartExecution returns none', async () => {
    const { deps } = fakeSfn();
    const out = await consumeRequest({ ...deps, startExecution: async () => undefined }, request, 'r-noarn');
    expect(out.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:tradai-backtest-test:bt-r-noarn');
    expect((await workflows.get('bt-r-noarn'))?.execution_arn).toBe(out.executionArn);
  });

  it('two deliveries at once, both deciding before either writes: one record, one execution', async () => {
    // Both conditional puts are sent only once both writers have reached them.
    const gate = barrier(2);
    const doc = hookDocumentClient(db.doc, async (command, send) => {
      if (command instanceof PutCommand) await gate.arrive();
      return send();
    });
    const repo = new WorkflowRepo(tableFromEnv(doc, 'workflow_state', db.tableEnv()));
    const { deps, started } = fakeSfn(undefined, repo);
    const outs = await Promise.all([
      consumeRequest(deps, request, 'r-race'),
      consumeRequest(deps, { ...request, strategy: 'other' }, 'r-race'),
    ]);
    expect(outs.map((o) => o.duplicateRecord).sort()).toEqual([false, true]);
    expect(outs.map((o) => o.alreadyStarted).sort()).toEqual([false, true]);
    expect(started.size).toBe(1);
    // The stored record is the winner's: the loser's put changed nothing.
    const winner = outs.findIndex((o) => !o.duplicateRecord);
    const strategy = winner === 0 ? 'momo' : 'other';
    expect(await workflows.get('bt-r-race')).toMatchObject({ status: 'QUEUED', strategy });
    expect(gate.arrived).toBe(2);
  });
});
