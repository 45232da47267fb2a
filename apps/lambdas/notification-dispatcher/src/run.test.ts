import { tableFromEnv, type AlertNotification, type NotificationItem, type Table } from '@tradai/domain';
import { startDynalite, type Dynalite } from '@tradai/domain/testing';
import { setLambdaEnv, snsEvent } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNotification, type DispatchDeps } from './run.js';

let db: Dynalite;
let notifications: Table<NotificationItem>;
let clock = Date.parse('2026-01-01T00:00:00Z');
let deps: DispatchDeps;
const alert = (subject: string): AlertNotification => ({ type: 'health.unhealthy', severity: 'warning', source: 'health-check', subject, message: 'down', occurredAt: '2026-01-01T00:00:00Z' });

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['notifications']);
  notifications = tableFromEnv(db.doc, 'notifications', db.tableEnv());
  deps = { notifications, windowSeconds: 300, now: () => new Date(clock) };
});
afterAll(() => db.stop());

describe('recordNotification', () => {
  it('records the first notification and folds a burst into it', async () => {
    expect(await recordNotification(deps, alert('backend down'), 'm1')).toEqual({ dedupKey: 'health-check:health.unhealthy:backend down', action: 'new' });
    clock += 10_000;
    expect((await recordNotification(deps, alert('backend down'), 'm2')).action).toBe('suppressed');
    expect((await recordNotification(deps, alert('backend down'), 'm3')).action).toBe('suppressed');
    const item = await notifications.get({ dedup_key: 'health-check:health.unhealthy:backend down' });
    expect(item).toMatchObject({ count: 3, first_seen_at: '2026-01-01T00:00:00.000Z', last_seen_at: '2026-01-01T00:00:10.000Z', expires_at: Date.parse('2026-01-01T00:05:00Z') / 1000 });
    expect([...item!.message_ids].sort()).toEqual(['m1', 'm2', 'm3']);
  });

  it('does not count a redelivered SNS message twice', async () => {
    expect((await recordNotification(deps, alert('backend down'), 'm2')).action).toBe('duplicate');
    expect((await notifications.get({ dedup_key: 'health-check:health.unhealthy:backend down' }))?.count).toBe(3);
  });

  it('opens a new window once the previous one expired, even before TTL deletes it', async () => {
    clock += 301_000;
    expect((await recordNotification(deps, alert('backend down'), 'm4')).action).toBe('new');
    expect(await notifications.get({ dedup_key: 'health-check:health.unhealthy:backend down' })).toMatchObject({ count: 1, first_seen_at: new Date(clock).toISOString() });
  });

  it('surfaces a DynamoDB failure', async () => {
    const broken = { ...deps, notifications: { ...notifications, tableName: 'missing-table', doc: notifications.doc } as Table<NotificationItem> };
    await expect(recordNotification(broken, alert('x'), 'm9')).rejects.toThrow(/ResourceNotFound|not found|non-existent/i);
  });
});

describe('handler', () => {
  it('records SNS deliveries and rejects malformed ones naming the field, writing nothing', async () => {
    const restore = setLambdaEnv('notification-dispatcher', { ...db.tableEnv(), DEDUP_WINDOW_SECONDS: '60', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler(snsEvent({ ...alert('bad'), subject: '' }))).rejects.toThrow(/^invalid alert notification: subject: /);
      expect(await notifications.get({ dedup_key: 'health-check:health.unhealthy:' })).toBeUndefined();
      const [r] = await handler(snsEvent(alert('handler path'), { messageId: 'h1' }));
      expect(r).toEqual({ dedupKey: 'health-check:health.unhealthy:handler path', action: 'new' });
      expect((await handler(snsEvent(alert('handler path'), { messageId: 'h1' })))[0]!.action).toBe('duplicate');
    } finally {
      restore();
    }
  });
});
