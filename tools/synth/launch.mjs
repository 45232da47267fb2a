/**
 * What `nx run <layer>:synth` runs: `node tools/synth/launch.mjs --layer=compute --env=dev`.
 * Bundles the synth CLI together with the layer's program (esbuild; npm packages stay external so
 * the harness and the program share one @pulumi/pulumi) and runs the bundle on plain Node. Under
 * tsx the same code pays about a second per process in tsx's module hooks, most of it while
 * @pulumi/pulumi loads, and synth runs one process per layer and environment. Plain JavaScript so
 * that nothing has to compile it first.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

// Node caches the compiled npm modules (about a third off loading @pulumi/pulumi) across processes.
enableCompileCache();
/** The workspace synth works on: the nearest folder above the current directory holding nx.json. */
function workspaceRoot(from) {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`synth: no nx.json above ${from}`);
  }
}

// The synth CLI and the path aliases come from this repository; the program from the workspace.
const tools = resolve(import.meta.dirname, '..', '..');
const root = workspaceRoot(process.cwd());
const argv = process.argv.slice(2);
const { values } = parseArgs({ args: argv, options: { layer: { type: 'string' }, env: { type: 'string', default: 'dev' } } });
const layer = values.layer ?? '';
const env = values.env ?? '';
// Names become file names below; the CLI then checks them against LAYERS / ENVIRONMENTS.
const programs = readdirSync(join(root, 'infra'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'infra', d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();
if (!programs.includes(layer)) {
  console.error(`synth: --layer must be one of the programs in infra/: ${programs.join(', ')} (got ${values.layer ?? 'nothing'})`);
  process.exit(2);
}
if (!/^[a-z]+$/.test(env)) {
  console.error(`synth: --env must be an environment name (got ${values.env})`);
  process.exit(2);
}

const outdir = join(root, 'dist', 'synth', '.bin');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${layer}.${env}.mjs`);
await build({
  stdin: {
    contents: [
      `import { synthCli } from ${JSON.stringify(join(tools, 'tools', 'synth', 'cli.ts'))};`,
      `await synthCli(${JSON.stringify(argv)}, () => import(${JSON.stringify(join(root, 'infra', layer, 'index.ts'))}));`,
    ].join('\n'),
    resolveDir: root,
    sourcefile: `synth-${layer}-${env}.ts`,
    loader: 'ts',
  },
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  packages: 'external',
  tsconfig: join(tools, 'tsconfig.base.json'),
  sourcemap: 'inline',
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
