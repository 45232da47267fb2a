import type { Strategy } from '../strategy.js';
import { InterruptedError, runTask, type TaskOptions } from './run.js';

/** Exit code of an interrupted run (128 + SIGTERM), as a shell reports a process killed by it. */
export const INTERRUPTED_EXIT = 143;

/** One line naming the cause: `<ErrorName>: <message>` with newlines folded. */
export function causeLine(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : 'Error: ';
  return `${name}${e.message}`.replace(/\s*\n\s*/g, ' ').slice(0, 2000);
}

export interface MainOptions extends TaskOptions {
  /** Where the cause line goes (default stderr). */
  readonly stderr?: (line: string) => void;
  /** Process to take SIGTERM/SIGINT from (default `process`). */
  readonly signals?: Pick<NodeJS.Process, 'once' | 'off'>;
}

/**
 * The container command: runs the task and returns its exit code (0 done, 1 failed, 143
 * interrupted), writing ONE line naming the cause to stderr on failure. SIGTERM (Spot reclaim,
 * StopTask) aborts the run: S3 and MLflow calls in flight are cancelled and the next step is not
 * started, so the task stops within seconds, well inside ECS's 60 s stop timeout.
 */
export async function main(strategy: Strategy, opts: MainOptions = {}): Promise<number> {
  const controller = new AbortController();
  const stderr = opts.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const proc = opts.signals ?? process;
  const onSignal = (sig: NodeJS.Signals) => controller.abort(new InterruptedError(`interrupted by ${sig} (Spot reclaim or task stop) before the run finished`));
  proc.once('SIGTERM', onSignal);
  proc.once('SIGINT', onSignal);
  const signal = opts.signal ? AbortSignal.any([opts.signal, controller.signal]) : controller.signal;
  try {
    const out = await runTask(strategy, { ...opts, signal });
    (opts.log ?? ((msg, fields) => process.stdout.write(`${JSON.stringify({ msg, ...fields })}\n`)))('task finished', { mode: out.mode, timings: out.timings });
    return 0;
  } catch (err) {
    // Whatever failed after the abort (a cancelled request) is reported as the interruption.
    const cause = signal.aborted ? signal.reason : err;
    stderr(causeLine(cause));
    return cause instanceof InterruptedError ? INTERRUPTED_EXIT : 1;
  } finally {
    proc.off('SIGTERM', onSignal);
    proc.off('SIGINT', onSignal);
  }
}
