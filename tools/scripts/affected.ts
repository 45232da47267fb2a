import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AffectedDeploy {
  /** Projects whose files (or dependencies' files) changed. */
  readonly affected: string[];
  /** deploy-graph tasks of affected projects: these rebuild, push or run `up`. */
  readonly work: string[];
  /** upstream tasks `^deploy` schedules for unaffected projects: each finds nothing changed and skips. */
  readonly checks: string[];
}

const nx = (root: string, args: string[]) =>
  execFileSync('npx', ['nx', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' } });

/** What `nx affected -t deploy -c <env>` would do after `files` change (no task is run). */
export function affectedDeploy(root: string, files: readonly string[], env = 'dev'): AffectedDeploy {
  const list = files.join(',');
  const affected = nx(root, ['show', 'projects', '--affected', `--files=${list}`, '--json']);
  const projects = new Set<string>(JSON.parse(affected.slice(affected.indexOf('['))));
  const out = join(mkdtempSync(join(tmpdir(), 'affected-')), 'tasks.json');
  nx(root, ['affected', '-t', 'deploy', '-c', env, `--files=${list}`, `--graph=${out}`]);
  const tasks = Object.keys((JSON.parse(readFileSync(out, 'utf8')) as { tasks: { tasks: Record<string, unknown> } }).tasks.tasks).sort();
  const project = (task: string) => task.split(':')[0]!;
  return {
    affected: [...projects].sort(),
    work: tasks.filter((t) => projects.has(project(t))),
    checks: tasks.filter((t) => !projects.has(project(t))),
  };
}
