import type { QueryCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkflowItem } from '@tradai/domain';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, listBacktests, type ListFilter } from './backtests.js';

/*
 * listBacktests against a scripted Query: DynamoDB may return fewer matches than asked (filter
 * expressions, the 1 MB page cap), which the local emulator never does with a dozen items.
 */

const item = (n: number): WorkflowItem => {
  const at = `2026-05-01T00:00:${String(n).padStart(2, '0')}.000Z`;
  return { workflow_id: `bt-${n}`, workflow_type: 'backtest', status: 'SUCCEEDED', created_at: at, updated_at: at };
};
const keyOf = (w: WorkflowItem) => ({ workflow_id: w.workflow_id, workflow_type: 'backtest', created_at: w.created_at });

interface Page {
  Items: WorkflowItem[];
  LastEvaluatedKey?: Record<string, string>;
}

/** A document client whose Query answers `pages` in turn, then (if `endless`) empty pages with a key, up to 100. */
function scripted(pages: Page[], endless?: Page) {
  const inputs: QueryCommand['input'][] = [];
  const doc = {
    send: (command: QueryCommand) => {
      inputs.push(command.input);
      if (inputs.length > 100) throw new Error('listBacktests kept reading');
      return Promise.resolve(pages[inputs.length - 1] ?? endless ?? { Items: [] });
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc, inputs };
}

const list = (doc: DynamoDBDocumentClient, filter: ListFilter) => listBacktests(doc, 'wf', filter);

describe('listBacktests', () => {
  it('without a filter asks only for what the page still needs after a short read', async () => {
    const { doc, inputs } = scripted([
      { Items: [item(9)], LastEvaluatedKey: keyOf(item(9)) },
      { Items: [item(8), item(7), item(6), item(5)], LastEvaluatedKey: keyOf(item(5)) },
    ]);
    const page = await list(doc, { limit: 5 });
    expect(inputs.map((i) => i.Limit)).toEqual([5, 4]);
    expect(page.items.map((i) => i.workflow_id)).toEqual(['bt-9', 'bt-8', 'bt-7', 'bt-6', 'bt-5']);
    expect(page.nextCursor).toBe(encodeCursor(keyOf(item(5))));
  });

  it('cuts a batch with more matches than room at the page size, the cursor at the last returned item', async () => {
    const { doc, inputs } = scripted([
      { Items: [item(9), item(8)], LastEvaluatedKey: keyOf(item(8)) },
      { Items: [item(7), item(6), item(5)], LastEvaluatedKey: keyOf(item(5)) },
    ]);
    const page = await list(doc, { limit: 3, status: 'SUCCEEDED' });
    expect(inputs.map((i) => i.Limit)).toEqual([100, 100]);
    expect(page.items.map((i) => i.workflow_id)).toEqual(['bt-9', 'bt-8', 'bt-7']);
    expect(page.nextCursor).toBe(encodeCursor(keyOf(item(7))));
  });

  it('a last batch that exactly fills the page ends the list: no cursor to an empty page', async () => {
    const { doc } = scripted([{ Items: [item(2), item(1)] }]);
    const page = await list(doc, { limit: 2 });
    expect(page.items.map((i) => i.workflow_id)).toEqual(['bt-2', 'bt-1']);
    expect(page.nextCursor).toBeUndefined();
  });

  it('keeps reading while a filtered page is short and the table has more', async () => {
    const { doc, inputs } = scripted([{ Items: [item(9)], LastEvaluatedKey: keyOf(item(9)) }, { Items: [item(4)] }]);
    const page = await list(doc, { limit: 5, strategy: 'trend' });
    expect(inputs).toHaveLength(2);
    expect(inputs[1]!.ExclusiveStartKey).toEqual(keyOf(item(9)));
    expect(page).toEqual({ items: [item(9), item(4)] });
  });

  it('returns a short page with a cursor after exactly 20 reads of a sparse filter', async () => {
    const resume = keyOf(item(1));
    const { doc, inputs } = scripted([], { Items: [], LastEvaluatedKey: resume });
    const page = await list(doc, { limit: 5, strategy: 'rare' });
    expect(inputs).toHaveLength(20);
    expect(page).toEqual({ items: [], nextCursor: encodeCursor(resume) });
  });
});

describe('decodeCursor', () => {
  const raw = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it('accepts exactly two non-empty strings', () => {
    expect(decodeCursor(raw(['bt-1', 'x']))).toEqual({ workflow_id: 'bt-1', workflow_type: 'backtest', created_at: 'x' });
  });
  it.each([
    ['three parts', ['bt-1', '2026-01-01T00:00:00Z', 'extra']],
    ['one part', ['bt-1']],
    ['an empty id', ['', '2026-01-01T00:00:00Z']],
    ['an empty timestamp', ['bt-1', '']],
    ['a non-string with a length', [['bt-1'], '2026-01-01T00:00:00Z']],
    ['a number', ['bt-1', 7]],
  ])('refuses %s naming querystring.cursor', (_, parts) => {
    expect(() => decodeCursor(raw(parts))).toThrow(expect.objectContaining({ path: 'querystring.cursor' }));
  });
});
