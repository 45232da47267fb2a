import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployedCommit, markDeployed } from './deployed.js';

describe('deployed/<env> tags (on throwaway repositories: a bare "origin" and two clones)', () => {
  const base = mkdtempSync(join(tmpdir(), 'deployed-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();
  const origin = join(base, 'origin.git');
  const ci = join(base, 'ci');
  const promoter = join(base, 'promoter');

  it('marks the commit an environment runs on the remote, and another clone reads it back', () => {
    git(base, 'init', '-q', '--bare', origin);
    git(base, 'clone', '-q', origin, ci);
    writeFileSync(join(ci, 'a'), '1');
    git(ci, 'add', '.');
    git(ci, 'commit', '-qm', 'one');
    const first = git(ci, 'rev-parse', 'HEAD');
    git(ci, 'push', '-q', 'origin', 'HEAD:main');
    git(base, 'clone', '-q', origin, promoter);

    expect(() => deployedCommit(promoter, 'dev')).toThrow('no deployed/dev tag on origin: dev has not been deployed by the pipeline yet');
    expect(markDeployed(ci, 'dev', 'HEAD', 'origin', 'run 1')).toBe(first);
    expect(deployedCommit(promoter, 'dev')).toBe(first);

    // main moves on; dev is deployed again: the tag moves (forced) and promotion sees the new commit.
    writeFileSync(join(ci, 'a'), '2');
    git(ci, 'commit', '-qam', 'two');
    const second = git(ci, 'rev-parse', 'HEAD');
    git(ci, 'push', '-q', 'origin', 'HEAD:main');
    markDeployed(ci, 'dev');
    expect(deployedCommit(promoter, 'dev')).toBe(second);
    expect(git(promoter, 'tag', '-n1', '-l', 'deployed/dev')).toContain(`dev runs ${second}`);
    // Promotion records the commit it deployed, not the tip of main.
    expect(markDeployed(promoter, 'staging', first)).toBe(first);
    expect(deployedCommit(ci, 'staging')).toBe(first);
  });
});
