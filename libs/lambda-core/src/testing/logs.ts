import { vi } from 'vitest';

/** One JSON log line as CloudWatch receives it. */
export type LogLine = Record<string, unknown>;

/**
 * Runs `fn`, hands the JSON log lines it wrote to stdout/stderr to `onLogs`, and returns `fn`'s
 * value or rethrows its error. The lines are what CloudWatch receives from a Powertools logger
 * (which writes through its own Console on process.stdout/stderr); non-JSON output is dropped.
 * `onLogs` is called and the streams are restored even when `fn` throws, so a test can assert
 * both the error and what was logged on the way to it.
 */
export async function withLogs<T>(fn: () => T | Promise<T>, onLogs: (logs: LogLine[]) => void): Promise<T> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write);
  for (const s of streams) {
    s.write = ((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    }) as typeof s.write;
  }
  try {
    return await fn();
  } finally {
    streams.forEach((s, i) => (s.write = originals[i]!));
    onLogs(
      lines
        .flatMap((l) => l.split('\n'))
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine),
    );
  }
}

/** Runs `fn` and returns the JSON log lines it wrote (see `withLogs`); `fn`'s error is rethrown. */
export async function captureLogs(fn: () => unknown): Promise<LogLine[]> {
  let logs: LogLine[] = [];
  await withLogs(fn, (l) => (logs = l));
  return logs;
}

/**
 * Imports a module afresh with `POWERTOOLS_LOG_LEVEL` set to `level`: Lambda modules create their
 * logger at import, so a test that reads what operators read needs its own copy of the module.
 * The environment is restored once the import has run. Usage:
 *   const { run } = await importWithLogLevel('INFO', () => import('./run.js'));
 */
export async function importWithLogLevel<M>(level: string, load: () => Promise<M>): Promise<M> {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', level);
  vi.resetModules();
  try {
    return await load();
  } finally {
    vi.unstubAllEnvs();
  }
}
