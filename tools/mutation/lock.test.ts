import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireRunLock, type LockDeps } from './lock.js';

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mutation-lock-'));
  dir = join(root, '.lock');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const deps = (over: Partial<LockDeps> = {}): LockDeps & { lines: string[] } => {
  const lines: string[] = [];
  return { pid: 100, isAlive: () => true, wait: () => Promise.resolve(), log: (l) => lines.push(l), lines, ...over };
};

describe('acquireRunLock', () => {
  it('takes a free lock, records its owner, and releases it', async () => {
    const release = await acquireRunLock(dir, 'update-status', deps());
    expect(JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8'))).toEqual({ pid: 100, what: 'update-status' });
    release();
    expect(existsSync(dir)).toBe(false);
  });

  it('waits while a live run holds it, then takes it once that run releases', async () => {
    const first = await acquireRunLock(dir, 'domain', deps({ pid: 1 }));
    let waits = 0;
    const second = deps({
      pid: 2,
      wait: async () => {
        waits++;
        if (waits === 3) first();
      },
    });
    const release = await acquireRunLock(dir, 'rollback', second);
    expect(waits).toBe(3);
    expect(second.lines).toEqual(['mutation: waiting for the run of domain (pid 1) to finish; one run at a time fits 2 cores']);
    expect(JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8'))).toEqual({ pid: 2, what: 'rollback' });
    release();
  });

  it('takes the lock over from a run that died holding it', async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: 999_999, what: 'domain' }));
    const d = deps({ isAlive: (pid) => pid !== 999_999, wait: async () => { throw new Error('must not wait for a dead run'); } });
    const release = await acquireRunLock(dir, 'rollback', d);
    expect(d.lines).toEqual(['mutation: taking over the lock of domain (pid 999999 is gone)']);
    release();
  });
});
