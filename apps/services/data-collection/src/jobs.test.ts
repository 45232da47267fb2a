import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJobQueue } from './jobs.js';

describe('createJobQueue', () => {
  it('runs jobs one at a time in order and records their times', async () => {
    let clock = 1000;
    const order: string[] = [];
    let id = 0;
    const q = createJobQueue<string, string>(
      async (req) => {
        order.push(`start ${req}`);
        clock += 10;
        await new Promise((r) => setImmediate(r));
        order.push(`end ${req}`);
        return { result: req.toUpperCase(), failed: req === 'b' };
      },
      { now: () => clock, newId: () => `j${++id}` },
    );
    const a = q.submit('a');
    const b = q.submit('b');
    expect(q.get(b.id)?.status).toBe('queued');
    expect(await q.wait(b.id, 60_000)).toMatchObject({ status: 'failed', result: 'B' });
    expect(q.get(a.id)).toEqual({ id: 'j1', status: 'succeeded', request: 'a', createdAt: 1000, startedAt: 1000, finishedAt: 1010, result: 'A' });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('records a thrown error, and the next job still runs', async () => {
    const q = createJobQueue<number, number>(async (n) => {
      if (n < 0) throw new Error(`negative: ${n}`);
      return { result: n * 2, failed: false };
    });
    const bad = q.submit(-1);
    const good = q.submit(2);
    expect(await q.wait(bad.id, 60_000)).toMatchObject({ status: 'failed', error: 'negative: -1' });
    expect(await q.wait(good.id, 60_000)).toMatchObject({ status: 'succeeded', result: 4 });
  });

  it('forgets the oldest finished jobs beyond keep', async () => {
    const q = createJobQueue<number, number>(async (n) => ({ result: n, failed: false }), { keep: 2 });
    const ids = [1, 2, 3].map((n) => q.submit(n).id);
    await q.wait(ids[2]!, 60_000);
    expect(ids.map((i) => q.get(i)?.status)).toEqual([undefined, 'succeeded', 'succeeded']);
  });

  it('wait returns the job as it is when the budget runs out first', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = createJobQueue<number, number>(async (n) => {
      await gate;
      return { result: n, failed: false };
    });
    const job = q.submit(1);
    expect((await q.wait(job.id, 1))?.status).toBe('running');
    release();
    expect((await q.wait(job.id, 60_000))?.status).toBe('succeeded');
    expect(await q.wait('unknown', 1)).toBeUndefined();
  });

  it('keeps finished jobs up to keep while later ones are still queued or running', async () => {
    const gates = new Map<number, () => void>();
    const q = createJobQueue<number, number>(async (n) => {
      await new Promise<void>((r) => gates.set(n, r));
      return { result: n, failed: false };
    }, { keep: 1 });
    const first = q.submit(1);
    const second = q.submit(2);
    await vi.waitFor(() => expect(gates.has(1)).toBe(true));
    gates.get(1)!();
    expect(await q.wait(first.id, 60_000)).toMatchObject({ status: 'succeeded' });
    // One finished job, keep 1: the running second job does not push the finished one out.
    expect(q.get(first.id)?.status).toBe('succeeded');
    expect(q.get(second.id)?.status).toBe('running');
    await vi.waitFor(() => expect(gates.has(2)).toBe(true));
    gates.get(2)!();
    expect(await q.wait(second.id, 60_000)).toMatchObject({ status: 'succeeded' });
    expect(q.get(first.id)).toBeUndefined();
  });

  it('aborts the running job on close with the reason "service shutting down"', async () => {
    const q = createJobQueue<number, number>(
      (_n, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    );
    const job = q.submit(1);
    await vi.waitFor(() => expect(q.get(job.id)?.status).toBe('running'));
    await q.close();
    expect(q.get(job.id)).toMatchObject({ status: 'failed', error: 'service shutting down' });
  });

  describe('with fake timers', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('wait leaves no timer behind once the job has finished', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const q = createJobQueue<number, number>(async (n) => ({ result: n, failed: false }));
      const job = q.submit(1);
      expect(await q.wait(job.id, 60_000)).toMatchObject({ status: 'succeeded' });
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
