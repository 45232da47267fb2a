import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@tradai/domain';

/**
 * An in-process registry of long-running jobs (backfills), so an HTTP handler can answer at once
 * with a job id and let the client poll:
 *
 *   const jobs = createJobRunner((req: SyncRequest, signal) => syncMany({ ...deps, ...req, signal }));
 *   const id = jobs.start(request);       // POST /api/v1/data/sync -> 202 { jobId: id }
 *   jobs.get(id);                         // GET .../jobs/:id -> { status: 'running' | 'succeeded' | 'failed', ... }
 *
 * Jobs live in memory: a restart forgets them (the data they wrote stays; a re-run resumes from
 * the store). Only the newest `keep` finished jobs are remembered.
 */

export type JobStatus = 'running' | 'succeeded' | 'failed';

export interface Job<TRequest, TResults> {
  readonly id: string;
  readonly status: JobStatus;
  readonly request: TRequest;
  /** What `run` returned; set once succeeded. */
  readonly results?: TResults;
  /** Why `run` threw; set once failed. */
  readonly error?: string;
  /** ISO-8601 times. */
  readonly startedAt: string;
  readonly finishedAt?: string;
}

export interface JobRunner<TRequest, TResults> {
  /** Starts `run(request)` in the background and returns the new job's id at once. */
  start(request: TRequest): string;
  /** A snapshot of the job, or undefined for an unknown (or forgotten) id. */
  get(id: string): Job<TRequest, TResults> | undefined;
  /** Every remembered job, newest first. */
  list(): Job<TRequest, TResults>[];
  /** Resolves with the job once it has finished (succeeded or failed); NotFoundError for an unknown id. */
  wait(id: string): Promise<Job<TRequest, TResults>>;
  /** Aborts running jobs (their `signal`) and waits for them: for a graceful shutdown. */
  close(): Promise<void>;
}

export interface JobRunnerOptions {
  /** Finished jobs remembered (default 100); running jobs are always kept. */
  readonly keep?: number;
  readonly now?: () => number;
}

export function createJobRunner<TRequest, TResults>(
  run: (request: TRequest, signal: AbortSignal) => Promise<TResults>,
  options: JobRunnerOptions = {},
): JobRunner<TRequest, TResults> {
  const keep = options.keep ?? 100;
  const now = options.now ?? Date.now;
  const jobs = new Map<string, Job<TRequest, TResults>>();
  const running = new Map<string, { done: Promise<Job<TRequest, TResults>>; abort: AbortController }>();
  const iso = () => new Date(now()).toISOString();

  const forgetOld = () => {
    const finished = [...jobs.values()].filter((j) => j.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - keep))) jobs.delete(j.id);
  };

  return {
    start(request) {
      const id = randomUUID();
      const abort = new AbortController();
      const job: Job<TRequest, TResults> = { id, status: 'running', request, startedAt: iso() };
      jobs.set(id, job);
      // run() is called now, not in a later tick, so an abort right after start reaches it.
      const done = new Promise<TResults>((resolve) => resolve(run(request, abort.signal)))
        .then(
          (results): Job<TRequest, TResults> => ({ ...job, status: 'succeeded', results, finishedAt: iso() }),
          (e: unknown): Job<TRequest, TResults> => ({ ...job, status: 'failed', error: e instanceof Error ? e.message : String(e), finishedAt: iso() }),
        )
        .then((finished) => {
          jobs.set(id, finished);
          running.delete(id);
          forgetOld();
          return finished;
        });
      running.set(id, { done, abort });
      return id;
    },
    get: (id) => jobs.get(id),
    list: () => [...jobs.values()].reverse(),
    async wait(id) {
      const job = jobs.get(id);
      if (!job) throw new NotFoundError(`no job ${id}`);
      return (await running.get(id)?.done) ?? job;
    },
    async close() {
      for (const r of running.values()) r.abort.abort(new Error('job runner closed'));
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
