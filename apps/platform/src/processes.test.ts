import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortsFree, freePort, PortInUseError } from './processes.js';

let held: Server[] = [];
afterEach(() => {
  for (const s of held) s.close();
  held = [];
});

async function hold(port: number): Promise<void> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
  held.push(s);
}

describe('assertPortsFree', () => {
  it('passes free ports', async () => {
    await expect(assertPortsFree([{ port: await freePort(), owner: 'gateway' }])).resolves.toBeUndefined();
  });

  it('names every busy port and its owner', async () => {
    const [a, b, c] = [await freePort(), await freePort(), await freePort()];
    await hold(a);
    await hold(c);
    const err = await assertPortsFree([
      { port: a, owner: 'gateway' },
      { port: b, owner: 'backend-api' },
      { port: c, owner: 'data-collection' },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect((err as PortInUseError).busy).toEqual([
      { port: a, owner: 'gateway' },
      { port: c, owner: 'data-collection' },
    ]);
    expect((err as Error).message).toContain(`port ${a} on 127.0.0.1 (for gateway) is in use; port ${c} on 127.0.0.1 (for data-collection) is in use`);
  });

  it('refuses a port given twice or out of range', async () => {
    await expect(assertPortsFree([{ port: 70000, owner: 'gateway' }])).rejects.toThrow('port for gateway must be 1-65535, got 70000');
    const p = await freePort();
    await expect(
      assertPortsFree([
        { port: p, owner: 'gateway' },
        { port: p, owner: 'backend-api' },
      ]),
    ).rejects.toThrow(`port ${p} is given to both gateway and backend-api`);
  });
});
