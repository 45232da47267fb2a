/**
 * Offline synth of one layer in one environment: `tsx tools/synth/cli.ts --layer=compute --env=dev`.
 * Nx runs the same code through `launch.mjs` (bundled, on plain Node) as `nx run compute:synth -c dev`,
 * after the upstream layers' synth.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LAYERS, findWorkspaceRoot, type Layer } from '@tradai/infra-shared';
import { formatPlanSummary } from './plan.js';
import { synthLayer } from './synth.js';

/** Runs the CLI on `argv` and exits; `loadProgram` replaces the import of infra/<layer>/index.ts. */
export async function synthCli(argv: readonly string[], loadProgram?: () => Promise<{ default: () => unknown }>): Promise<never> {
  const { values } = parseArgs({ args: [...argv], options: { layer: { type: 'string' }, env: { type: 'string', default: 'dev' } } });
  const layer = values.layer as Layer;
  if (!LAYERS.includes(layer)) {
    console.error(`synth: --layer must be one of ${LAYERS.join(', ')} (got ${values.layer ?? 'nothing'})`);
    process.exit(2);
  }
  try {
    const { plan, file, millis } = await synthLayer(findWorkspaceRoot(), layer, values.env!, loadProgram);
    console.log(formatPlanSummary(plan, millis));
    console.log(`  plan: ${file}`);
    // The mock runtime keeps handles open; the plan is written, so end now.
    process.exit(0);
  } catch (err) {
    console.error(`synth ${layer} (${values.env}) failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

// Run directly (tsx); launch.mjs bundles this module and calls synthCli itself.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await synthCli(process.argv.slice(2));
}
