import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const git = (repo: string, args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * The commit a ref names.
 * @throws Error naming the ref when it does not resolve to a commit (e.g. a shallow clone without it)
 */
export function resolveCommit(repo: string, ref: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`--base=${ref} is not a commit in ${repo} (in CI, fetch enough history: actions/checkout with fetch-depth: 0)`);
  }
}

/**
 * Runs `fn` in a temporary, detached `git worktree` of `repo` at `ref`, then removes it. The
 * worktree has no installed packages, so the checkout's node_modules is linked into it: the base
 * is built with today's dependencies (a dependency bump shows up in neither plan).
 */
export async function withWorktree<T>(repo: string, ref: string, fn: (dir: string, commit: string) => Promise<T> | T): Promise<T> {
  const commit = resolveCommit(repo, ref);
  const dir = mkdtempSync(join(tmpdir(), 'tradai-diff-'));
  git(repo, ['worktree', 'add', '--detach', dir, commit]);
  try {
    const modules = join(repo, 'node_modules');
    // A base that tracks a node_modules link of its own keeps it.
    if (existsSync(modules) && !existsSync(join(dir, 'node_modules'))) symlinkSync(modules, join(dir, 'node_modules'), 'dir');
    return await fn(dir, commit);
  } finally {
    try {
      git(repo, ['worktree', 'remove', '--force', dir]);
    } catch {
      // Already gone or locked: drop the folder and let git forget it.
      rmSync(dir, { recursive: true, force: true });
      git(repo, ['worktree', 'prune']);
    }
  }
}
