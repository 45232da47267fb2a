/**
 * One mutation run at a time on the machine. A run uses both cores (a type-checker and a test
 * runner); two side by side thrash, and mutants then time out for load, not for what they broke,
 * which Stryker counts as detected. A second `npm run mutation` waits here for the first.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockDeps {
  readonly pid: number;
  readonly isAlive: (pid: number) => boolean;
  readonly wait: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

const defaultDeps: LockDeps = {
  pid: process.pid,
  isAlive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: the process exists but belongs to someone else.
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  wait: (ms) => sleep(ms),
  log: (line) => console.log(line),
};

/**
 * Takes the lock folder `dir` (mkdir is atomic), waiting while a live process holds it and taking
 * it over from a dead one. Returns the release function.
 */
export async function acquireRunLock(dir: string, what: string, deps: LockDeps = defaultDeps, pollMs = 2000): Promise<() => void> {
  const owner = join(dir, 'owner.json');
  let announced = false;
  for (;;) {
    try {
      mkdirSync(dir, { recursive: false });
      writeFileSync(owner, JSON.stringify({ pid: deps.pid, what }));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: { pid: number; what: string } | undefined;
    try {
      holder = JSON.parse(readFileSync(owner, 'utf8')) as { pid: number; what: string };
    } catch {
      // Between the holder's mkdir and its write: look again shortly.
    }
    if (holder && !deps.isAlive(holder.pid)) {
      deps.log(`mutation: taking over the lock of ${holder.what} (pid ${holder.pid} is gone)`);
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (holder && !announced) {
      deps.log(`mutation: waiting for the run of ${holder.what} (pid ${holder.pid}) to finish; one run at a time fits 2 cores`);
      announced = true;
    }
    await deps.wait(pollMs);
  }
}
