/** The projects mutation testing covers, found from their project.json files. */
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COVERED_ROOTS, type MutationProject } from './config.js';

export function coveredProjects(workspaceRoot: string): MutationProject[] {
  const out: MutationProject[] = [];
  for (const pattern of COVERED_ROOTS) {
    for (const file of globSync(`${pattern}/project.json`, { cwd: workspaceRoot }).sort()) {
      const root = dirname(file).split('\\').join('/');
      // A project with no source of its own (the MLflow image wraps upstream MLflow) has nothing to mutate.
      if (!existsSync(join(workspaceRoot, root, 'src'))) continue;
      const { name } = JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as { name?: string };
      if (!name) throw new Error(`${file} has no "name"`);
      out.push({ name, root });
    }
  }
  return out;
}

/** @throws Error naming the covered projects when `name` is not one of them */
export function findProject(projects: readonly MutationProject[], name: string): MutationProject {
  const found = projects.find((p) => p.name === name);
  if (!found) throw new Error(`"${name}" is not a project mutation testing covers; covered: ${projects.map((p) => p.name).join(', ')}`);
  return found;
}
