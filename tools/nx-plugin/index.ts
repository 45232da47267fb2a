/**
 * TradAI workspace plugin.
 *
 * Targets are inferred from what a folder is, so every stack, Lambda and service gets the same
 * interface (the names users type) without copying project.json boilerplate:
 *   - `infra/<layer>/Pulumi.yaml`        -> stack targets (synth, preview, up, refresh, destroy, deploy, ...)
 *   - `apps/lambdas/<name>/project.json` -> build (esbuild), image, push, deploy
 *   - `apps/services/<name>/project.json`-> build (esbuild, when it has src/main.ts), image, push, deploy
 *   - `apps/strategies/<name>/project.json` -> build (esbuild), image, push, deploy (push + registration)
 *   - every project.json with a tsconfig -> test, typecheck, lint
 *
 * Graph edges DESIGN.md requires and imports cannot express:
 *   - compute -> every Lambda and service image project (it references their digests); strategy
 *     images are not referenced by compute, they are registered at run time (strategy-registrar)
 * and, as task dependencies, every image's push/deploy -> persistent:deploy (its ECR repository).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  DependencyType,
  type RawProjectGraphDependency,
  type CreateDependencies,
  type CreateNodesV2,
  type TargetConfiguration,
  createNodesFromFiles,
} from '@nx/devkit';

const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/**
 * One configuration per environment. The option is `environment`, not `env`: run-commands already
 * has an `env` option (the process environment).
 */
const envConfigurations = () => ({
  defaultConfiguration: 'dev',
  configurations: Object.fromEntries(ENVIRONMENTS.map((env) => [env, { environment: env }])),
});

const TOOL_INPUTS = ['{workspaceRoot}/tools/pulumi/**/*', '{workspaceRoot}/tools/synth/**/*'];

/**
 * preview/up/deploy pass the CrossGuard policy pack (tools/pulumi/policy-pack.ts), built first. Its
 * cross-stack rules read every layer's plan of the environment: preview and up synthesize them;
 * deploy does not (the affected deploy graph stays build, image, push, up), so the pipeline runs
 * `npm run plans -- -c <env>` before it and tools/pulumi stops naming that command if one is missing.
 */
const POLICY_PACK_DEPS = [{ projects: ['policy'], target: 'policy-pack' }];
const PLANS_DEPS = [{ projects: ['persistent', 'foundation', 'compute', 'edge'], target: 'synth' }];

function stackTargets(projectRoot: string, layer: string): Record<string, TargetConfiguration> {
  const pulumi = (command: string, extra: Partial<TargetConfiguration> = {}): TargetConfiguration => ({
    executor: 'nx:run-commands',
    options: { command: `tsx tools/pulumi/cli.ts ${command} --layer=${layer} --env={args.environment}`, cwd: '{workspaceRoot}', environment: 'dev' },
    ...envConfigurations(),
    cache: false,
    ...extra,
  });
  return {
    bundle: {
      executor: 'nx:run-commands',
      options: { command: `tsx tools/pulumi/bundle.ts --layer=${layer}`, cwd: '{workspaceRoot}' },
      inputs: ['production', '^production', ...TOOL_INPUTS],
      outputs: [`{workspaceRoot}/dist/infra/${layer}`],
      cache: true,
    },
    synth: {
      executor: 'nx:run-commands',
      options: { command: `node tools/synth/launch.mjs --layer=${layer} --env={args.environment}`, cwd: '{workspaceRoot}', environment: 'dev' },
      ...envConfigurations(),
      // Upstream plans feed this layer's StackReferences; Lambda bundles feed image tags.
      dependsOn: ['^synth', '^build'],
      inputs: [
        'production',
        '^production',
        ...TOOL_INPUTS,
        { dependentTasksOutputFiles: '**/*.json', transitive: true },
        { dependentTasksOutputFiles: '**/*.mjs', transitive: true },
      ],
      outputs: [`{workspaceRoot}/dist/synth/{options.environment}/${layer}.json`],
      cache: true,
    },
    preview: pulumi('preview', { dependsOn: ['bundle', '^build', ...POLICY_PACK_DEPS, ...PLANS_DEPS] }),
    up: pulumi('up', { dependsOn: ['bundle', '^build', ...POLICY_PACK_DEPS, ...PLANS_DEPS] }),
    refresh: pulumi('refresh', { dependsOn: ['bundle'] }),
    destroy: pulumi('destroy', { dependsOn: ['bundle'] }),
    // `deploy` is `up` with every upstream deploy first (images pushed, upstream layers up).
    deploy: pulumi('up --skip-unchanged', { dependsOn: ['bundle', '^deploy', ...POLICY_PACK_DEPS] }),
    // Offline plan diff against a git ref: `nx run <layer>:diff -c <env> --base=<ref>` (tools/diff).
    diff: {
      executor: 'nx:run-commands',
      // {args.*} in the command turns off argument forwarding: every flag the CLI takes is spelled out (unset = empty).
      options: { command: `tsx tools/diff/cli.ts --layer=${layer} --env={args.environment} --base={args.base} --json={args.json} --comment={args.comment}`, cwd: '{workspaceRoot}', environment: 'dev' },
      ...envConfigurations(),
      cache: false,
    },
  };
}

type ImageKind = 'lambda' | 'service' | 'strategy';
/** dist/apps/<plural>/<name> and dist/images/<plural>/<name>.json, as tools/images and the build tools write them. */
const PLURAL: Record<ImageKind, string> = { lambda: 'lambdas', service: 'services', strategy: 'strategies' };

function imageTargets(kind: ImageKind, name: string, bundled: boolean): Record<string, TargetConfiguration> {
  const images = (command: string, extra: Partial<TargetConfiguration>): TargetConfiguration => ({
    executor: 'nx:run-commands',
    options: { command: `tsx tools/images/cli.ts ${command} --kind=${kind} --name=${name} --env={args.environment}`, cwd: '{workspaceRoot}', environment: 'dev' },
    ...envConfigurations(),
    ...extra,
  });
  const buildDeps = bundled ? ['build'] : [];
  return {
    image: images('image', {
      dependsOn: buildDeps,
      inputs: ['production', '^production', '{workspaceRoot}/docker/**/*', '{workspaceRoot}/tools/images/**/*'],
      outputs: [`{workspaceRoot}/dist/images/${PLURAL[kind]}/${name}.json`],
      cache: true,
    }),
    // The ECR repository lives in persistent. This is a task dependency, not a project edge: an
    // edge would make every image "affected" by any change to persistent or the infra config.
    push: images('push', { dependsOn: ['image', { projects: ['persistent'], target: 'deploy' }], cache: false }),
    deploy: kind === 'strategy' ? strategyDeploy(name) : images('push', { dependsOn: ['image', { projects: ['persistent'], target: 'deploy' }, '^deploy'], cache: false }),
  };
}

/**
 * A strategy's deploy pushes its image, then publishes the registration message strategy-registrar
 * turns into a config version (foundation owns the topic, so it must be up too).
 */
function strategyDeploy(name: string): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: { command: `tsx libs/strategy-sdk/src/registration/cli.ts --name=${name} --env={args.environment}`, cwd: '{workspaceRoot}', environment: 'dev' },
    ...envConfigurations(),
    dependsOn: ['push', { projects: ['foundation'], target: 'deploy' }],
    cache: false,
  };
}

/**
 * The esbuild bundle of a Lambda or of a service or strategy container, through `@nx/esbuild`.
 * Options the executor lacks (banner, plugins, output extension) are in its esbuildConfig
 * (tools/lambda/build-options.ts, tools/containers/build-options.ts). Lambdas bundle the AWS SDK;
 * configuration `runtime-sdk` leaves it to the Lambda runtime (the cold-start comparison of
 * `npm run bench:lambdas`).
 */
function bundleBuild(kind: ImageKind, name: string): TargetConfiguration {
  const lambda = kind === 'lambda';
  const [entry, outputFileName] = lambda ? ['handler.ts', 'index.mjs'] : ['main.ts', 'main.mjs'];
  const metaDir = `${kind}-meta`;
  return {
    executor: '@nx/esbuild:esbuild',
    options: {
      main: `apps/${PLURAL[kind]}/${name}/src/${entry}`,
      outputPath: `dist/apps/${PLURAL[kind]}/${name}`,
      outputFileName,
      tsConfig: 'tsconfig.base.json',
      format: ['esm'],
      platform: 'node',
      target: 'node22',
      bundle: true,
      // Bundle npm packages too: the image has no node_modules (the executor's default leaves them external).
      thirdParty: true,
      minify: true,
      sourcemap: true,
      // The `typecheck` target does that; the build only bundles.
      skipTypeCheck: true,
      assets: [],
      esbuildConfig: lambda ? 'tools/lambda/esbuild.config.mjs' : 'tools/containers/esbuild.config.mjs',
    },
    ...(lambda ? { configurations: { 'runtime-sdk': { esbuildConfig: 'tools/lambda/esbuild.runtime-sdk.config.mjs' } } } : {}),
    inputs: [
      'production',
      '^production',
      '{workspaceRoot}/tools/lambda/build-options.ts',
      '{workspaceRoot}/tools/lambda/*.config.mjs',
      ...(lambda ? [] : ['{workspaceRoot}/tools/containers/build-options.ts', '{workspaceRoot}/tools/containers/*.config.mjs']),
      { externalDependencies: ['esbuild', '@nx/esbuild', 'tsx', ...(kind === 'strategy' ? ['lightweight-charts'] : [])] },
    ],
    outputs: [`{workspaceRoot}/dist/apps/${PLURAL[kind]}/${name}`, `{workspaceRoot}/dist/${metaDir}/${name}.json`],
    cache: true,
  };
}

function commonTargets(projectRoot: string, nestedRoots: readonly string[]): Record<string, TargetConfiguration> {
  if (!existsSync(join(projectRoot, 'tsconfig.json'))) return {};
  // A project nested in this folder runs its own tests: filter to this project's own subfolders.
  const nested = new Set(nestedRoots);
  const folders = nestedRoots.length
    ? readdirSync(projectRoot, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !nested.has(`${projectRoot}/${e.name}`))
        .map((e) => ` ${projectRoot}/${e.name}/`)
        .join('')
    : '';
  return {
    test: {
      executor: 'nx:run-commands',
      options: { command: `vitest run --config vitest.config.ts --dir ${projectRoot}${folders}`, cwd: '{workspaceRoot}' },
      inputs: ['default', '^production', '{workspaceRoot}/vitest.config.ts'],
      cache: true,
    },
    typecheck: {
      executor: 'nx:run-commands',
      options: { command: `tsc -p ${projectRoot}/tsconfig.json --noEmit`, cwd: '{workspaceRoot}' },
      inputs: ['default', '^production'],
      cache: true,
    },
    lint: {
      executor: 'nx:run-commands',
      options: { command: `eslint ${projectRoot}`, cwd: '{workspaceRoot}' },
      inputs: ['default', '^production', '{workspaceRoot}/eslint.config.js'],
      cache: true,
    },
  };
}

function readProjectJson(projectRoot: string): { name?: string; tags?: string[] } {
  const file = join(projectRoot, 'project.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

export const createNodesV2: CreateNodesV2 = [
  '{apps,libs,infra,tools,tests}/**/project.json',
  (files, _options, context) =>
    createNodesFromFiles(
      (file) => {
        const projectRoot = dirname(file);
        const project = readProjectJson(join(context.workspaceRoot, projectRoot));
        const name = project.name ?? projectRoot.split('/').pop()!;
        const tags = project.tags ?? [];
        const nested = files.map((f) => dirname(f)).filter((r) => r !== projectRoot && r.startsWith(`${projectRoot}/`));
        let targets = commonTargets(projectRoot, nested);
        if (tags.includes('type:stack')) targets = { ...targets, ...stackTargets(projectRoot, name) };
        if (tags.includes('type:lambda')) {
          targets = { ...targets, build: bundleBuild('lambda', name), ...imageTargets('lambda', name, true) };
        }
        if (tags.includes('type:service')) {
          // mlflow is the upstream image plus a driver: nothing of ours to bundle.
          const bundled = existsSync(join(context.workspaceRoot, projectRoot, 'src', 'main.ts'));
          targets = { ...targets, ...(bundled ? { build: bundleBuild('service', name) } : {}), ...imageTargets('service', name, bundled) };
        }
        if (tags.includes('type:strategy')) {
          // Project `strategy-<name>` (its image repository); the tools take the strategy's own name, its folder.
          const strategy = projectRoot.split('/').pop()!;
          targets = { ...targets, build: bundleBuild('strategy', strategy), ...imageTargets('strategy', strategy, true) };
        }
        return { projects: { [projectRoot]: { targets } } };
      },
      files,
      _options,
      context,
    ),
];

export const createDependencies: CreateDependencies = (_options, context) => {
  const projects = context.projects;
  const byName = new Map(Object.entries(projects).map(([root, p]) => [p.name ?? root, { root, tags: p.tags ?? [] }]));
  const imageProjects = [...byName.entries()].filter(([, p]) => p.tags.includes('type:lambda') || p.tags.includes('type:service'));
  const deps: RawProjectGraphDependency[] = [];
  for (const [name] of imageProjects) {
    if (byName.has('compute')) {
      deps.push({ source: 'compute', target: name, type: DependencyType.implicit });
    }
  }
  return deps;
};
