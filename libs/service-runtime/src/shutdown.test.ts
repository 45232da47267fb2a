import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from './app.js';
import { closeApp, runService } from './shutdown.js';
import { logCapture } from './testing.js';

/** A route that stays in flight until the test releases it; a silent app unless given a log stream. */
async function slowApp(logStream?: ServiceAppOptions['logStream']): Promise<{ app: ServiceApp; entered: Promise<void>; release: () => void }> {
  const app = await createServiceApp(logStream ? { name: 'slow', version: '1', logStream } : { name: 'slow', version: '1', logLevel: 'silent' });
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const inside = new Promise<void>((r) => (entered = r));
  app.get('/slow', async () => {
    entered();
    await gate;
    return { done: true };
  });
  return { app, entered: inside, release };
}

const added = (event: string, before: readonly unknown[]) => process.listeners(event as NodeJS.Signals).filter((l) => !before.includes(l));

describe('graceful shutdown (real listen on 127.0.0.1)', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
    vi.restoreAllMocks();
  });

  it('on SIGTERM stops accepting, finishes the in-flight request, then exits 0', async () => {
    const { app, entered, release } = await slowApp();
    const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
    const exited = new Promise<number>((resolve) => {
      vi.spyOn(process, 'exit').mockImplementation(((code: number) => resolve(code)) as never);
    });
    const running = await runService(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 5_000 });
    // close-with-grace leaves "second signal" listeners behind after it ran; remove ours only.
    cleanups.push(() => {
      for (const s of ['SIGTERM', 'SIGINT'] as const) for (const l of added(s, before[s])) process.removeListener(s, l as () => void);
    });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const inflight = fetch(`${running.url}/slow`);
    await entered;
    process.emit('SIGTERM');
    // Closing: a new connection is refused while the first request is still open.
    await vi.waitFor(async () => {
      await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    });
    release();
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    expect(await exited).toBe(0);
  });

  it('closeApp reports a timeout when a request outlives it', async () => {
    const { app, entered, release } = await slowApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const inflight = fetch(`http://127.0.0.1:${app.server.address() && (app.server.address() as { port: number }).port}/slow`);
    await entered;
    expect(await closeApp(app, 50)).toBe('timeout');
    release();
    expect((await inflight).status).toBe(200);
    expect(await closeApp(app, 5_000)).toBe('closed');
  });

  it('stop() closes without exiting the process', async () => {
    const { app } = await slowApp();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const running = await runService(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1_000 });
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
    await running.stop();
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    expect(exit).not.toHaveBeenCalled();
  });
});

/** Every process event close-with-grace listens to (signals, errors, beforeExit). */
const GRACE_EVENTS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGUSR2', 'SIGTERM', 'uncaughtException', 'unhandledRejection', 'beforeExit'];

describe('runService: what shutdown logs and how it exits', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
    vi.restoreAllMocks();
  });

  /** A logging app with a held route, run on 127.0.0.1; removes whatever listeners it leaves behind. */
  async function started(shutdownTimeoutMs: number) {
    const logs = logCapture();
    const { app, entered, release } = await slowApp(logs.stream);
    const before = Object.fromEntries(GRACE_EVENTS.map((e) => [e, process.listeners(e as NodeJS.Signals)]));
    const exited = new Promise<number>((resolve) => {
      vi.spyOn(process, 'exit').mockImplementation(((code: number) => resolve(code)) as never);
    });
    const running = await runService(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs });
    const mine = (event: string) => added(event, before[event]!);
    cleanups.push(async () => {
      for (const e of GRACE_EVENTS) for (const l of mine(e)) process.removeListener(e, l as () => void);
      release();
      await app.close();
    });
    return { app, logs, running, exited, mine, entered, release };
  }

  it('logs the signal at info, not as an error', async () => {
    const { logs, exited, mine } = await started(5_000);
    (mine('SIGTERM')[0] as (s: string) => void)('SIGTERM');
    expect(await exited).toBe(0);
    const lines = logs.lines();
    expect(lines.find((l) => l.msg === 'shutting down')).toMatchObject({ level: 30, signal: 'SIGTERM' });
    expect(lines.some((l) => l.msg === 'shutting down after an uncaught error')).toBe(false);
  });

  it('after an uncaught error logs it, closes and exits 1', async () => {
    const { logs, exited, mine, running } = await started(5_000);
    (mine('uncaughtException')[0] as unknown as (e: Error) => void)(new Error('kaboom'));
    expect(await exited).toBe(1);
    const line = logs.lines().find((l) => l.msg === 'shutting down after an uncaught error');
    expect(line).toMatchObject({ level: 50, err: { message: 'kaboom' } });
    expect(logs.lines().some((l) => l.msg === 'shutting down')).toBe(false);
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  });

  it('exits 1 and says so in the service log when in-flight requests outlive the timeout', async () => {
    const { logs, exited, mine, running, entered, release } = await started(100);
    const inflight = fetch(`${running.url}/slow`);
    await entered;
    (mine('SIGTERM')[0] as (s: string) => void)('SIGTERM');
    expect(await exited).toBe(1);
    expect(logs.lines().find((l) => l.level === 50)?.msg).toBe('in-flight requests still open after 100 ms');
    release();
    await inflight.catch(() => undefined);
  });

  it('removes its process listeners when the app is closed directly', async () => {
    const { app, mine } = await started(5_000);
    expect(mine('SIGTERM')).toHaveLength(1);
    expect(mine('uncaughtException')).toHaveLength(1);
    await app.close();
    expect(mine('SIGTERM')).toEqual([]);
    expect(mine('uncaughtException')).toEqual([]);
  });

  it('closeApp clears its timer once the app has closed', async () => {
    const { app } = await slowApp();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      expect(await closeApp(app, 60_000)).toBe('closed');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
