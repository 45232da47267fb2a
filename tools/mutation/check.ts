/**
 * CI's mutation gate: every committed score file (tools/mutation/scores/*.json) must parse, match
 * its own counts, meet its threshold and, once at the 85 % target, give a reason for each surviving
 * mutant. A threshold below the target (a ratchet while tests are raised) must say why. It reads files
 * only; the runs themselves (npm run mutation) are too slow for every CI run on 2 cores.
 *   npm run mutation:check
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_THRESHOLD } from './config.js';
import { coveredProjects } from './projects.js';
import { problems, scoreFileSchema } from './scores.js';

export interface CheckResult {
  readonly lines: string[];
  readonly failures: string[];
  /** Covered projects with no score file yet: listed, not failed (a first run writes one). */
  readonly unmeasured: string[];
}

export function checkScores(workspaceRoot: string): CheckResult {
  const dir = join(workspaceRoot, 'tools/mutation/scores');
  const known = new Set(coveredProjects(workspaceRoot).map((p) => p.name));
  const lines: string[] = [];
  const failures: string[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  // One column for the names, as wide as the longest project name (strategy projects run long).
  const width = Math.max(0, ...[...known].map((p) => p.length));
  if (files.length === 0) failures.push(`${dir} holds no score files`);
  for (const f of files) {
    const parsed = scoreFileSchema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    if (!parsed.success) {
      failures.push(`${f}: not a score file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      continue;
    }
    const s = parsed.data;
    if (`${s.project}.json` !== f) failures.push(`${f}: holds the score of "${s.project}"`);
    if (!known.has(s.project)) failures.push(`${f}: "${s.project}" is not a project mutation testing covers`);
    failures.push(...problems(s));
    const state = s.threshold >= DEFAULT_THRESHOLD ? `${s.survivors.length} kept survivors` : `below the ${DEFAULT_THRESHOLD} % target: ${s.survivors.length} survivors open`;
    lines.push(`${s.project.padEnd(width)} ${s.score.toFixed(2).padStart(6)} %  (threshold ${s.threshold} %, first run ${s.baseline ?? '-'} %, ${state})`);
  }
  const measured = new Set(files.map((f) => f.replace(/\.json$/, '')));
  const unmeasured = [...known].filter((p) => !measured.has(p)).sort();
  return { lines, failures, unmeasured };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { lines, failures, unmeasured } = checkScores(process.cwd());
  console.log(['mutation scores:', ...lines.map((l) => `  ${l}`)].join('\n'));
  if (unmeasured.length > 0) console.log(`not measured yet (npm run mutation -- --project=<name>): ${unmeasured.join(', ')}`);
  if (failures.length > 0) {
    console.error(['', 'mutation check failed:', ...failures.map((f) => `  - ${f}`)].join('\n'));
    process.exit(1);
  }
}
