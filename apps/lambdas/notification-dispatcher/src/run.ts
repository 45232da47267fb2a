import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, type AlertNotification, type NotificationItem, type Table } from '@tradai/domain';
import { dedupKeyOf } from './normalise.js';

export interface DispatchDeps {
  readonly notifications: Table<NotificationItem>;
  /** DEDUP_WINDOW_SECONDS: repeats within this window fold into one record. */
  readonly windowSeconds: number;
  readonly now?: () => Date;
}

/** `new`: first in its window (to be delivered); `suppressed`: a repeat folded into it; `duplicate`: the same SNS message again. */
export type DispatchAction = 'new' | 'suppressed' | 'duplicate';

export interface DispatchResult {
  readonly dedupKey: string;
  readonly action: DispatchAction;
}

/**
 * Records a notification. The first one of a dedup key opens a window (conditional put: no item,
 * or the previous window expired — TTL deletion is lazy, so expiry is checked, not assumed);
 * repeats inside the window increment `count` on that record; a redelivered SNS message id is
 * recognised and not counted twice.
 */
export async function recordNotification(deps: DispatchDeps, n: AlertNotification, messageId: string): Promise<DispatchResult> {
  const now = deps.now?.() ?? new Date();
  const nowSec = Math.floor(now.getTime() / 1000);
  const dedupKey = dedupKeyOf(n);
  const { doc, tableName } = deps.notifications;
  const item: NotificationItem = {
    dedup_key: dedupKey,
    type: n.type,
    severity: n.severity,
    source: n.source,
    subject: n.subject,
    message: n.message,
    first_seen_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    count: 1,
    message_ids: new Set([messageId]),
    expires_at: nowSec + deps.windowSeconds,
  };
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item as unknown as Record<string, unknown>,
        ConditionExpression: 'attribute_not_exists(dedup_key) OR expires_at < :now',
        ExpressionAttributeValues: { ':now': nowSec },
      }),
    );
    return { dedupKey, action: 'new' };
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw err;
  }
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { dedup_key: dedupKey },
        UpdateExpression: 'ADD #count :one, message_ids :ids SET last_seen_at = :at',
        ConditionExpression: 'NOT contains(message_ids, :id)',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':ids': new Set([messageId]), ':id': messageId, ':at': now.toISOString() },
      }),
    );
    return { dedupKey, action: 'suppressed' };
  } catch (err) {
    if (isConditionalCheckFailed(err)) return { dedupKey, action: 'duplicate' };
    throw err;
  }
}
