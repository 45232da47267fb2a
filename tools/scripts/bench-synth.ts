/**
 * Synth wall time for 4 layers x 3 environments (a report, not a test): each environment's layers
 * run in order, environments run side by side (two at a time, one per core), like a cold CI.
 * `npm run bench:synth`
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { ENVIRONMENTS, LAYERS, findWorkspaceRoot } from '@tradai/infra-shared';

const root = findWorkspaceRoot();
const timings: { env: string; layer: string; seconds: number; resources: number }[] = [];

function synth(layer: string, env: string): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'tools/synth/cli.ts', `--layer=${layer}`, `--env=${env}`], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`synth ${layer} ${env} exited ${code}`));
      const resources = Number(/: (\d+) resources/.exec(out)?.[1] ?? NaN);
      timings.push({ env, layer, seconds: (performance.now() - started) / 1000, resources });
      resolve();
    });
  });
}

const started = performance.now();
const queue = [...ENVIRONMENTS];
const workers = Array.from({ length: Math.min(cpus().length, ENVIRONMENTS.length) }, async () => {
  for (let env = queue.shift(); env; env = queue.shift()) for (const layer of LAYERS) await synth(layer, env);
});
await Promise.all(workers);
const total = (performance.now() - started) / 1000;

console.log('env      layer        resources  seconds');
for (const t of timings.sort((a, b) => a.env.localeCompare(b.env) || LAYERS.indexOf(a.layer as never) - LAYERS.indexOf(b.layer as never))) {
  console.log(`${t.env.padEnd(8)} ${t.layer.padEnd(12)} ${String(t.resources).padStart(9)}  ${t.seconds.toFixed(1).padStart(7)}`);
}
console.log(`\nsynth of ${LAYERS.length} layers x ${ENVIRONMENTS.length} environments: ${total.toFixed(1)} s wall on ${cpus().length} cores (target < 20 s)`);
