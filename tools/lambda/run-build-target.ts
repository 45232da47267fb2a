/**
 * Runs a project's inferred `build` target (tools/nx-plugin) through the real `@nx/esbuild` executor
 * in this process, without a whole Nx run: the bench builds each SDK mode into its own folder this
 * way, and the tests build scratch workspaces.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ExecutorContext, TargetConfiguration } from '@nx/devkit';
import { esbuildExecutor, type EsBuildExecutorOptions } from '@nx/esbuild/executors';
import { createNodesV2 } from '../nx-plugin/index.js';

const WORKSPACE = resolve(import.meta.dirname, '..', '..');

/**
 * A scratch workspace under dist/ (so packages resolve from this workspace's node_modules) with
 * `files` written and `tools` linked (the esbuild configs the targets name). Call `dispose` after.
 */
export function scratchWorkspace(files: Record<string, string>): { root: string; dispose: () => void } {
  mkdirSync(join(WORKSPACE, 'dist'), { recursive: true });
  const root = mkdtempSync(join(WORKSPACE, 'dist', 'tmp-build-'));
  symlinkSync(join(WORKSPACE, 'tools'), join(root, 'tools'), 'dir');
  writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' } }));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The targets tools/nx-plugin infers for the project at `projectRoot` (its project.json must exist). */
export async function inferredTargets(root: string, projectRoot: string): Promise<Record<string, TargetConfiguration>> {
  const [, createNodes] = createNodesV2;
  const results = await createNodes([`${projectRoot}/project.json`], undefined, { workspaceRoot: root, nxJsonConfiguration: {} });
  const project = results[0]?.[1].projects?.[projectRoot];
  if (!project) throw new Error(`nx-plugin inferred no project at ${projectRoot}`);
  return project.targets ?? {};
}

/** Runs `target` (an `@nx/esbuild:esbuild` target) of project `name` under `root`, with an optional configuration. */
export async function runEsbuildTarget(root: string, name: string, projectRoot: string, target: TargetConfiguration, configuration?: string): Promise<{ success: boolean; outfile?: string }[]> {
  if (target.executor !== '@nx/esbuild:esbuild') throw new Error(`${name}: build executor is ${target.executor}, not @nx/esbuild:esbuild`);
  const options = { ...target.options, ...(configuration ? target.configurations?.[configuration] : {}) } as EsBuildExecutorOptions;
  const context = {
    root,
    cwd: root,
    isVerbose: false,
    projectName: name,
    targetName: 'build',
    configurationName: configuration,
    target,
    projectGraph: { nodes: { [name]: { name, type: 'app', data: { root: projectRoot, targets: { build: target } } } }, dependencies: { [name]: [] }, externalNodes: {} },
    projectsConfigurations: { version: 2, projects: { [name]: { root: projectRoot, targets: { build: target } } } },
    nxJsonConfiguration: {},
  } as unknown as ExecutorContext;
  const results: { success: boolean; outfile?: string }[] = [];
  for await (const r of esbuildExecutor(options, context)) results.push(r);
  return results;
}
