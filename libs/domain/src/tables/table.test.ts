import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BACKTEST_LIST_INDEX } from '@tradai/contracts';
import { describe, expect, it } from 'vitest';
import { EnvError } from '../errors.js';
import { createDocumentClient, tableFromEnv } from './index.js';
import type { DriftItem, WorkflowItem } from './items.js';
import { Table } from './table.js';

/** A document client that records each command's input and answers from `pages` in order (no network). */
function recordingDoc(pages: { Items?: unknown[]; LastEvaluatedKey?: Record<string, unknown>; Item?: unknown }[] = []) {
  const inputs: Record<string, unknown>[] = [];
  const doc = {
    send: async (cmd: { input: Record<string, unknown> }) => {
      inputs.push(cmd.input);
      return pages[inputs.length - 1] ?? {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc, inputs };
}

describe('Table requests (recorded, no database)', () => {
  it('reads one item strongly consistently', async () => {
    const { doc, inputs } = recordingDoc([{ Item: { workflow_id: 'w' } }]);
    expect(await new Table<WorkflowItem>(doc, 'workflow_state', 'wf').get({ workflow_id: 'w' })).toEqual({ workflow_id: 'w' });
    expect(inputs[0]).toMatchObject({ TableName: 'wf', Key: { workflow_id: 'w' }, ConsistentRead: true });
  });

  it('queries a table strongly consistently, an index eventually', async () => {
    const { doc, inputs } = recordingDoc();
    const t = new Table<WorkflowItem>(doc, 'workflow_state', 'wf');
    await t.query('w');
    await t.query('backtest', { index: BACKTEST_LIST_INDEX });
    expect(inputs[0]!.ConsistentRead).toBe(true);
    expect(inputs[1]!.ConsistentRead).toBeUndefined();
  });

  it('queries the named index by its own hash key, not the first index', async () => {
    const { doc, inputs } = recordingDoc();
    await new Table<WorkflowItem>(doc, 'workflow_state', 'wf').query('backtest', { index: BACKTEST_LIST_INDEX, after: '2026' });
    expect(inputs[0]).toMatchObject({ IndexName: BACKTEST_LIST_INDEX, ExpressionAttributeNames: { '#h': 'workflow_type', '#r': 'created_at' }, KeyConditionExpression: '#h = :h AND #r > :a' });
  });

  it('a table without a range key is queried by hash alone; only a range bound is refused', async () => {
    const { doc, inputs } = recordingDoc();
    const t = new Table<WorkflowItem>(doc, 'workflow_state', 'wf');
    expect(await t.query('w')).toEqual([]);
    expect(inputs[0]).toMatchObject({ KeyConditionExpression: '#h = :h', ExpressionAttributeNames: { '#h': 'workflow_id' } });
    await expect(t.query('w', { after: 'x' })).rejects.toThrow('workflow_state: range condition on table without a range key');
    await expect(t.query('w', { before: 'x' })).rejects.toThrow('workflow_state: range condition on table without a range key');
    expect(inputs).toHaveLength(1);
  });

  it('follows pages up to the limit, asking each page only for what is still missing', async () => {
    const { doc, inputs } = recordingDoc([
      { Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { k: 1 } },
      { Items: [{ n: 3 }], LastEvaluatedKey: { k: 2 } },
      { Items: [{ n: 4 }, { n: 5 }], LastEvaluatedKey: { k: 3 } },
    ]);
    const items = await new Table<DriftItem>(doc, 'drift_state', 'drift').query('s', { limit: 5 });
    expect(items).toHaveLength(5);
    expect(inputs.map((i) => i.Limit)).toEqual([5, 3, 2]);
    expect(inputs.map((i) => i.ExclusiveStartKey)).toEqual([undefined, { k: 1 }, { k: 2 }]);
  });
});

describe('createDocumentClient and tableFromEnv', () => {
  it('the document client drops undefined attributes', () => {
    const doc = createDocumentClient(new DynamoDBClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
    expect(doc.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
  });

  it('names the missing variable in the error', () => {
    let err: unknown;
    try {
      tableFromEnv(recordingDoc().doc, 'health_state', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).variables).toEqual(['HEALTH_STATE_TABLE']);
  });
});
