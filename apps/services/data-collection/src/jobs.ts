import { randomUUID } from 'node:crypto';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface Job<Req, Res> {
  readonly id: string;
  readonly status: JobStatus;
  readonly request: Req;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly result?: Res;
  /** Why the run threw (the result, when there is one, says which parts failed). */
  readonly error?: string;
}

/** Runs one job; `signal` aborts when the service shuts down. A result may still mark the job failed. */
export type JobWork<Req, Res> = (request: Req, signal: AbortSignal) => Promise<{ result: Res; failed: boolean }>;

export interface JobQueue<Req, Res> {
  /** Queues a job; it starts when the jobs before it are done. */
  submit(request: Req): Job<Req, Res>;
  get(id: string): Job<Req, Res> | undefined;
  /** The job once it has finished, or as it is after `ms` (whichever first). */
  wait(id: string, ms: number): Promise<Job<Req, Res> | undefined>;
  /** Aborts the running job, drops the queued ones (marked failed) and resolves when nothing runs. */
  close(): Promise<void>;
}

export interface JobQueueOptions {
  readonly now?: () => number;
  readonly newId?: () => string;
  /** Finished jobs remembered for status queries (oldest forgotten first). Default 100. */
  readonly keep?: number;
}

/**
 * In-memory jobs run one at a time, in order. One at a time because two syncs of the same series
 * would fetch the same candles twice and race on the same partition file. Memory only: a restart
 * forgets jobs, which is fine because the next sync resumes from the last stored candle.
 */
export function createJobQueue<Req, Res>(work: JobWork<Req, Res>, opts: JobQueueOptions = {}): JobQueue<Req, Res> {
  const now = opts.now ?? Date.now;
  const newId = opts.newId ?? randomUUID;
  const keep = opts.keep ?? 100;
  const jobs = new Map<string, Job<Req, Res>>();
  const done = new Map<string, Promise<void>>();
  const abort = new AbortController();
  let tail: Promise<void> = Promise.resolve();

  const update = (id: string, change: Partial<Job<Req, Res>>) => jobs.set(id, { ...jobs.get(id)!, ...change });

  function forgetOld(): void {
    const finished = [...jobs.values()].filter((j) => j.finishedAt !== undefined);
    for (const j of finished.slice(0, Math.max(0, finished.length - keep))) {
      jobs.delete(j.id);
      done.delete(j.id);
    }
  }

  async function run(id: string): Promise<void> {
    const job = jobs.get(id)!;
    if (abort.signal.aborted) {
      update(id, { status: 'failed', finishedAt: now(), error: 'service shut down before the job started' });
      return;
    }
    update(id, { status: 'running', startedAt: now() });
    try {
      const { result, failed } = await work(job.request, abort.signal);
      update(id, { status: failed ? 'failed' : 'succeeded', finishedAt: now(), result });
    } catch (err) {
      update(id, { status: 'failed', finishedAt: now(), error: err instanceof Error ? err.message : String(err) });
    }
    forgetOld();
  }

  return {
    submit(request) {
      const job: Job<Req, Res> = { id: newId(), status: 'queued', request, createdAt: now() };
      jobs.set(job.id, job);
      tail = tail.then(() => run(job.id));
      done.set(job.id, tail);
      return job;
    },
    get: (id) => jobs.get(id),
    async wait(id, ms) {
      const finished = done.get(id);
      if (!finished) return jobs.get(id);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
      return jobs.get(id);
    },
    async close() {
      abort.abort(new Error('service shutting down'));
      await tail;
    },
  };
}
