import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BACKTEST_LIST_INDEX, type WorkflowStatus } from '@tradai/contracts';
import { ConflictError, NotFoundError, ValidationError, isTerminal, type WorkflowItem } from '@tradai/domain';

/** The key of the last item of a page: table key + index key, what DynamoDB resumes from. */
interface PageKey {
  workflow_id: string;
  workflow_type: string;
  created_at: string;
}

/** Opaque page cursor: base64url JSON of the resume key. */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.workflow_id, key.created_at]), 'utf8').toString('base64url');
}

/** Throws a ValidationError on `querystring.cursor` for anything {@link encodeCursor} did not make. */
export function decodeCursor(cursor: string): PageKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string' && p.length > 0)) {
      return { workflow_id: parsed[0] as string, workflow_type: 'backtest', created_at: parsed[1] as string };
    }
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is not a cursor this service returned', 'querystring.cursor');
}

export interface ListFilter {
  readonly status?: WorkflowStatus;
  readonly strategy?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface BacktestPage {
  readonly items: WorkflowItem[];
  readonly nextCursor?: string;
}

/** DynamoDB reads at most this many index items per call while filling a filtered page. */
const READ_BATCH = 100;
/** Bounds a sparse filter's latency: after this many reads the page returns short, with a cursor. */
const MAX_READS = 20;

/**
 * A page of backtests, newest first, from the workflow_type/created_at index. Status and strategy
 * are filter expressions (few backtests per day; an index per filter would cost more writes than
 * it saves). Reads in batches until the page is full; when a batch has more matches than the page
 * needs, the cursor is the last returned item's key, so nothing is skipped or repeated.
 */
export async function listBacktests(doc: DynamoDBDocumentClient, tableName: string, filter: ListFilter): Promise<BacktestPage> {
  const names: Record<string, string> = { '#t': 'workflow_type' };
  const values: Record<string, unknown> = { ':t': 'backtest' };
  const filters: string[] = [];
  if (filter.status) {
    names['#s'] = 'status';
    values[':s'] = filter.status;
    filters.push('#s = :s');
  }
  if (filter.strategy) {
    names['#g'] = 'strategy';
    values[':g'] = filter.strategy;
    filters.push('#g = :g');
  }
  const items: WorkflowItem[] = [];
  let start: Record<string, unknown> | undefined = filter.cursor ? { ...decodeCursor(filter.cursor) } : undefined;
  for (let reads = 1; ; reads++) {
    const res = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BACKTEST_LIST_INDEX,
        KeyConditionExpression: '#t = :t',
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: filters.length ? READ_BATCH : filter.limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    const batch = (res.Items ?? []) as WorkflowItem[];
    const room = filter.limit - items.length;
    if (batch.length > room) {
      items.push(...batch.slice(0, room));
      return { items, nextCursor: encodeCursor(items[items.length - 1]!) };
    }
    items.push(...batch);
    start = res.LastEvaluatedKey;
    if (!start) return { items };
    if (items.length === filter.limit || reads >= MAX_READS) return { items, nextCursor: encodeCursor(start as unknown as PageKey) };
  }
}

/** The backtest record, or NotFoundError (also for a retraining workflow id: not a backtest). */
export function requireBacktest(item: WorkflowItem | undefined, id: string): WorkflowItem {
  if (!item || item.workflow_type !== 'backtest') throw new NotFoundError(`backtest ${id} not found`);
  return item;
}

/** Refuses to cancel a finished backtest with a 409 that says why (pure). */
export function assertCancellable(item: WorkflowItem): void {
  if (isTerminal(item.status)) {
    throw new ConflictError(`backtest ${item.workflow_id} already ${item.status} at ${item.updated_at}; only QUEUED or RUNNING backtests can be cancelled`);
  }
}

/** Execution ARN of a backtest: recorded by backtest-consumer, else derived like it does (name = workflow id). */
export function executionArnOf(item: WorkflowItem, stateMachineArn: string): string {
  return item.execution_arn ?? `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${item.workflow_id}`;
}
