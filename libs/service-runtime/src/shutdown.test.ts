import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServiceApp, type ServiceApp } from './app.js';
import { closeApp, runService } from './shutdown.js';

/** A route that stays in flight until the test releases it. */
async function slowApp(): Promise<{ app: ServiceApp; entered: Promise<void>; release: () => void }> {
  const app = await createServiceApp({ name: 'slow', version: '1', logLevel: 'silent' });
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
