import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableFromEnv, type AlertNotification, type NotificationItem, type Table } from '@tradai/domain';
import { barrier, hookDocumentClient, startDynalite, type Dynalite } from '@tradai/domain/testing';
import { captureLogs, setLambdaEnv, snsEvent } from '@tradai/lambda-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNotification, type DispatchDeps } from './run.js';

// One emulator for the file; every test works on dedup keys of its own (a fresh subject), so
// tests share no records and run in any order or alone.
let db: Dynalite;
let notifications: Table<NotificationItem>;

beforeAll(async () => {
  db = await startDynalite();
  await db.createTables(['notifications']);
  notifications = tableFromEnv(db.doc, 'notifications', db.tableEnv());
});
afterAll(() => db.stop());

const WINDOW = 300;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const alert = (subject: string): AlertNotification => ({ type: 'health.unhealthy', severity: 'warning', source: 'health-check', subject, message: 'down', occurredAt: '2026-01-01T00:00:00Z' });
const keyOf = (subject: string) => `health-check:health.unhealthy:${subject}`;
/** A subject no other test (or earlier run of this one) uses. */
const fresh = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

/** Deps on a clock the test moves by hand. */
function dispatcher(startMs = T0, table = notifications) {
  let clock = startMs;
  const deps: DispatchDeps = { notifications: table, windowSeconds: WINDOW, now: () => new Date(clock) };
  return {
    deps,
    at(ms: number) {
      clock = ms;
    },
  };
}

/** The table seen through a client whose `send` goes through `hook` (to hold or fail chosen commands). */
function hookedTable(hook: Parameters<typeof hookDocumentClient>[1]): Table<NotificationItem> {
  return tableFromEnv(hookDocumentClient(db.doc, hook), 'notifications', db.tableEnv());
}

describe('recordNotification', () => {
  it('opens a window with the first notification: every field of the record', async () => {
    const subject = fresh('backend down');
    const d = dispatcher(T0 + 250);
    expect(await recordNotification(d.deps, alert(subject), 'm1')).toEqual({ dedupKey: keyOf(subject), action: 'new' });
    const item = await notifications.get({ dedup_key: keyOf(subject) });
    expect(item).toEqual({
      dedup_key: keyOf(subject),
      type: 'health.unhealthy',
      severity: 'warning',
      source: 'health-check',
      subject,
      message: 'down',
      first_seen_at: '2026-01-01T00:00:00.250Z',
      last_seen_at: '2026-01-01T00:00:00.250Z',
      count: 1,
      message_ids: new Set(['m1']),
      // Whole seconds (the TTL attribute): the window is counted from the second it opened in.
      expires_at: T0 / 1000 + WINDOW,
    });
  });

  it('folds a burst into the open record: count, message ids and last_seen_at move, the rest stays', async () => {
    const subject = fresh('burst');
    const d = dispatcher();
    await recordNotification(d.deps, alert(subject), 'm1');
    d.at(T0 + 10_000);
    expect(await recordNotification(d.deps, alert(subject), 'm2')).toEqual({ dedupKey: keyOf(subject), action: 'suppressed' });
    d.at(T0 + 20_000);
    expect((await recordNotification(d.deps, { ...alert(subject), message: 'still down' }, 'm3')).action).toBe('suppressed');
    expect(await notifications.get({ dedup_key: keyOf(subject) })).toMatchObject({
      count: 3,
      message_ids: new Set(['m1', 'm2', 'm3']),
      first_seen_at: '2026-01-01T00:00:00.000Z',
      last_seen_at: '2026-01-01T00:00:20.000Z',
      message: 'down',
      expires_at: T0 / 1000 + WINDOW,
    });
  });

  it('does not count a redelivered SNS message twice, nor move last_seen_at', async () => {
    const subject = fresh('redelivery');
    const d = dispatcher();
    await recordNotification(d.deps, alert(subject), 'm1');
    d.at(T0 + 5_000);
    await recordNotification(d.deps, alert(subject), 'm2');
    d.at(T0 + 9_000);
    expect(await recordNotification(d.deps, alert(subject), 'm2')).toEqual({ dedupKey: keyOf(subject), action: 'duplicate' });
    expect(await recordNotification(d.deps, alert(subject), 'm1')).toEqual({ dedupKey: keyOf(subject), action: 'duplicate' });
    expect(await notifications.get({ dedup_key: keyOf(subject) })).toMatchObject({ count: 2, last_seen_at: '2026-01-01T00:00:05.000Z' });
  });

  // The window opened at T0 has expires_at = T0/1000 + 300 (seconds). It is still open AT that
  // second (the condition is `expires_at < :now`), and in every millisecond of it; a new window
  // opens one second later, before DynamoDB's lazy TTL has deleted the old record.
  it.each([
    { when: 'one second before expires_at', offsetMs: -1_000, action: 'suppressed' },
    { when: 'exactly at expires_at', offsetMs: 0, action: 'suppressed' },
    { when: 'in the last millisecond of the expires_at second', offsetMs: 999, action: 'suppressed' },
    { when: 'one second after expires_at', offsetMs: 1_000, action: 'new' },
  ] as const)('window boundary: a repeat $when is $action', async ({ offsetMs, action }) => {
    const subject = fresh('window');
    const d = dispatcher();
    await recordNotification(d.deps, alert(subject), 'm1');
    const at = T0 + WINDOW * 1000 + offsetMs;
    d.at(at);
    expect((await recordNotification(d.deps, alert(subject), 'm2')).action).toBe(action);
    const item = await notifications.get({ dedup_key: keyOf(subject) });
    if (action === 'new') {
      // A fresh window replaces the expired record: counts restart, ids of the old window are gone.
      expect(item).toMatchObject({ count: 1, message_ids: new Set(['m2']), first_seen_at: new Date(at).toISOString(), expires_at: Math.floor(at / 1000) + WINDOW });
    } else {
      expect(item).toMatchObject({ count: 2, first_seen_at: '2026-01-01T00:00:00.000Z', expires_at: T0 / 1000 + WINDOW });
    }
  });

  it('keeps dedup keys apart: another subject opens its own window', async () => {
    const a = fresh('service a');
    const b = fresh('service b');
    const d = dispatcher();
    expect((await recordNotification(d.deps, alert(a), 'm1')).action).toBe('new');
    expect((await recordNotification(d.deps, alert(b), 'm2')).action).toBe('new');
    expect((await notifications.get({ dedup_key: keyOf(a) }))?.count).toBe(1);
  });

  it('surfaces a DynamoDB failure of the first write, and does not go on to fold it in', async () => {
    const broken = { ...notifications, tableName: 'missing-table', doc: notifications.doc } as Table<NotificationItem>;
    await expect(recordNotification(dispatcher(T0, broken).deps, alert(fresh('x')), 'm9')).rejects.toThrow(/ResourceNotFound|not found|non-existent/i);
    // A throttled first write on an existing record: the error is the put's, and no update is tried
    // (only a failed condition means "the window is open").
    const subject = fresh('put throttled');
    await recordNotification(dispatcher().deps, alert(subject), 'm1');
    let updates = 0;
    const throttled = hookedTable((command, send) => {
      if (command instanceof PutCommand) return Promise.reject(Object.assign(new Error('put throttled'), { name: 'ProvisionedThroughputExceededException' }));
      if (command instanceof UpdateCommand) updates++;
      return send();
    });
    await expect(recordNotification(dispatcher(T0 + 1_000, throttled).deps, alert(subject), 'm2')).rejects.toThrow('put throttled');
    expect(updates).toBe(0);
    expect((await notifications.get({ dedup_key: keyOf(subject) }))?.count).toBe(1);
  });

  it('surfaces a DynamoDB failure of the fold-in update instead of calling it a duplicate', async () => {
    const subject = fresh('throttled');
    await recordNotification(dispatcher().deps, alert(subject), 'm1');
    const throttled = hookedTable((command, send) =>
      command instanceof UpdateCommand ? Promise.reject(Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException' })) : send(),
    );
    await expect(recordNotification(dispatcher(T0 + 1_000, throttled).deps, alert(subject), 'm2')).rejects.toThrow(/allowed throughput/);
    expect((await notifications.get({ dedup_key: keyOf(subject) }))?.count).toBe(1);
  });
});

/**
 * Race guards. Each writer decides by its conditional write alone, so the interleaving that matters
 * is "both reach their write before either lands": a barrier holds each chosen command until both
 * dispatchers have issued it. Without the condition both writes succeed and both report winning.
 */
describe('concurrent dispatchers of the same alert', () => {
  /** Two dispatchers whose `commandType` sends are released together. */
  function pair(commandType: typeof PutCommand | typeof UpdateCommand, startMs: number) {
    const gate = barrier(2);
    let held = 0;
    const table = hookedTable(async (command, send) => {
      if (command instanceof commandType && held < 2) {
        held++;
        await gate.arrive();
      }
      return send();
    });
    return { deps: dispatcher(startMs, table).deps, held: () => held };
  }

  it('the same SNS message delivered twice at once: exactly one opens the window, the other is a duplicate', async () => {
    const subject = fresh('race same id');
    const p = pair(PutCommand, T0);
    const results = await Promise.all([recordNotification(p.deps, alert(subject), 'm1'), recordNotification(p.deps, alert(subject), 'm1')]);
    expect(p.held()).toBe(2);
    expect(results.map((r) => r.action).sort()).toEqual(['duplicate', 'new']);
    expect(await notifications.get({ dedup_key: keyOf(subject) })).toMatchObject({ count: 1, message_ids: new Set(['m1']) });
  });

  it('two different messages of one alert at once: exactly one is new, the other is folded in', async () => {
    const subject = fresh('race two ids');
    const p = pair(PutCommand, T0);
    const results = await Promise.all([recordNotification(p.deps, alert(subject), 'm1'), recordNotification(p.deps, alert(subject), 'm2')]);
    expect(results.map((r) => r.action).sort()).toEqual(['new', 'suppressed']);
    expect(await notifications.get({ dedup_key: keyOf(subject) })).toMatchObject({ count: 2, message_ids: new Set(['m1', 'm2']) });
  });

  it('after the window expired, two at once: exactly one opens the next window', async () => {
    const subject = fresh('race expired');
    await recordNotification(dispatcher().deps, alert(subject), 'm0');
    const next = T0 + (WINDOW + 1) * 1000;
    const p = pair(PutCommand, next);
    const results = await Promise.all([recordNotification(p.deps, alert(subject), 'm1'), recordNotification(p.deps, alert(subject), 'm2')]);
    expect(results.map((r) => r.action).sort()).toEqual(['new', 'suppressed']);
    expect(await notifications.get({ dedup_key: keyOf(subject) })).toMatchObject({ count: 2, first_seen_at: new Date(next).toISOString(), message_ids: new Set(['m1', 'm2']) });
  });

  it('the same repeat delivered twice at once into an open window: counted once, the other is a duplicate', async () => {
    const subject = fresh('race fold');
    await recordNotification(dispatcher().deps, alert(subject), 'm1');
    const p = pair(UpdateCommand, T0 + 1_000);
    const results = await Promise.all([recordNotification(p.deps, alert(subject), 'm2'), recordNotification(p.deps, alert(subject), 'm2')]);
    expect(p.held()).toBe(2);
    expect(results.map((r) => r.action).sort()).toEqual(['duplicate', 'suppressed']);
    expect(await notifications.get({ dedup_key: keyOf(subject) })).toMatchObject({ count: 2, message_ids: new Set(['m1', 'm2']) });
  });
});

describe('handler', () => {
  it('records SNS deliveries with DEDUP_WINDOW_SECONDS, logs each outcome, and rejects malformed ones naming the field, writing nothing', async () => {
    const restore = setLambdaEnv('notification-dispatcher', { ...db.tableEnv(), DEDUP_WINDOW_SECONDS: '60', AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, POWERTOOLS_LOG_LEVEL: 'INFO' });
    try {
      const { handler } = await import('./handler.js');
      await expect(handler({} as never)).rejects.toThrow('invalid SNS event: Records: expected an array');
      await expect(handler(null as never)).rejects.toThrow('invalid SNS event: Records: expected an array');
      await expect(handler(snsEvent({ ...alert('bad'), subject: '' }))).rejects.toThrow(/^invalid alert notification: subject: /);
      expect(await notifications.get({ dedup_key: keyOf('') })).toBeUndefined();
      const subject = fresh('handler path');
      let results: unknown;
      const logs = await captureLogs(async () => {
        results = await handler(snsEvent(alert(subject), { messageId: 'h1' }));
      });
      expect(results).toEqual([{ dedupKey: keyOf(subject), action: 'new' }]);
      // The record of what the dispatcher did with each delivery, as operators search for it.
      expect(logs).toEqual([
        expect.objectContaining({ level: 'INFO', service: 'notification-dispatcher', message: 'notification recorded', dedupKey: keyOf(subject), action: 'new', type: 'health.unhealthy', severity: 'warning', messageId: 'h1' }),
      ]);
      const item = await notifications.get({ dedup_key: keyOf(subject) });
      expect(item!.expires_at - Math.floor(Date.parse(item!.first_seen_at) / 1000)).toBe(60);
      await captureLogs(async () => {
        results = await handler(snsEvent(alert(subject), { messageId: 'h1' }));
      });
      expect(results).toEqual([{ dedupKey: keyOf(subject), action: 'duplicate' }]);
    } finally {
      restore();
    }
  });
});
