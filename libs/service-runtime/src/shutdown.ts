import closeWithGrace from 'close-with-grace';
import type { ServiceApp } from './app.js';

/**
 * Closes `app`: stops accepting connections, lets in-flight requests finish (Fastify closes idle
 * keep-alive sockets, then waits for the busy ones) and runs onClose hooks. Resolves `timeout` when
 * that takes longer than `timeoutMs`, so the caller can exit before ECS sends SIGKILL.
 */
export async function closeApp(app: ServiceApp, timeoutMs: number): Promise<'closed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([app.close().then(() => 'closed' as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long after `shutdownTimeoutMs` close-with-grace gives up on the close handler itself. */
const GRACE_BACKSTOP_MS = 1_000;

export interface RunOptions {
  readonly port: number;
  readonly host: string;
  /** Below the task's stopTimeout (30 s; 120 s for live-trading) so our exit, not SIGKILL, ends it. */
  readonly shutdownTimeoutMs: number;
}

/** A started service: its address, and `stop()` for callers that end it themselves (tests, the CLI). */
export interface RunningService {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Listens, and on SIGTERM/SIGINT (ECS stop, Ctrl-C) or an uncaught error closes the app gracefully
 * within `shutdownTimeoutMs` and exits (0 after a clean close, 1 on timeout or error).
 */
export async function runService(app: ServiceApp, opts: RunOptions): Promise<RunningService> {
  // close-with-grace's own delay is only the backstop: with the same delay its timer (started
  // first) always won, so a slow close logged its generic "killed by timeout" instead of ours.
  const grace = closeWithGrace({ delay: opts.shutdownTimeoutMs + GRACE_BACKSTOP_MS, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an uncaught error');
    else app.log.info({ signal }, 'shutting down');
    if ((await closeApp(app, opts.shutdownTimeoutMs)) === 'timeout') throw new Error(`in-flight requests still open after ${opts.shutdownTimeoutMs} ms`);
  });
  app.addHook('onClose', async () => grace.uninstall());
  const url = await app.listen({ port: opts.port, host: opts.host });
  return {
    url,
    stop: async () => {
      grace.uninstall();
      await app.close();
    },
  };
}
