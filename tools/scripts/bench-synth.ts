/**
 * Synth wall time for 4 layers x 3 environments (a report, not a test). A layer starts as soon as
 * its upstream layer of the same environment is done, one process per core, the way Nx schedules
 * `run-many -t synth` across environments. `npm run bench:synth`
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { ENVIRONMENTS, LAYERS, findWorkspaceRoot } from '@tradai/infra-shared';

const root = findWorkspaceRoot();
const timings: { env: string; layer: string; seconds: number; resources: number }[] = [];

function synth(layer: string, env: string): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // What `nx run <layer>:synth` runs, on this Node directly (npx would add ~0.6 s per layer).
    const child = spawn(process.execPath, [join(root, 'tools', 'synth', 'launch.mjs'), `--layer=${layer}`, `--env=${env}`], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
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
// Next layer index per environment; an environment is busy while one of its layers runs.
const next = new Map<string, number>(ENVIRONMENTS.map((e) => [e, 0]));
const busy = new Set<string>();
const pick = () => ENVIRONMENTS.filter((e) => !busy.has(e) && next.get(e)! < LAYERS.length).sort((a, b) => next.get(a)! - next.get(b)!)[0];
await new Promise<void>((resolve, reject) => {
  let running = 0;
  const launch = () => {
    for (let env = pick(); env && running < cpus().length; env = pick()) {
      const layer = LAYERS[next.get(env)!]!;
      busy.add(env);
      running += 1;
      synth(layer, env).then(() => {
        busy.delete(env);
        next.set(env, next.get(env)! + 1);
        running -= 1;
        if (running === 0 && !pick()) resolve();
        else launch();
      }, reject);
    }
  };
  launch();
});
const total = (performance.now() - started) / 1000;

console.log('env      layer        resources  seconds');
for (const t of timings.sort((a, b) => a.env.localeCompare(b.env) || LAYERS.indexOf(a.layer as never) - LAYERS.indexOf(b.layer as never))) {
  console.log(`${t.env.padEnd(8)} ${t.layer.padEnd(12)} ${String(t.resources).padStart(9)}  ${t.seconds.toFixed(1).padStart(7)}`);
}
console.log(`\nsynth of ${LAYERS.length} layers x ${ENVIRONMENTS.length} environments: ${total.toFixed(1)} s wall on ${cpus().length} cores (target < 20 s)`);
