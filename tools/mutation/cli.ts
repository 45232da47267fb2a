/**
 * Mutation testing, one project at a time:
 *   npm run mutation -- --project=update-status [--project=...] [--concurrency=2]
 *   npm run mutation -- --all
 * Reports (HTML, JSON, Stryker's incremental file) go to dist/mutation/<project>/; the summary and
 * the surviving mutants go to the committed tools/mutation/scores/<project>.json, keeping the
 * reasons already written there. A second run re-tests only mutants whose code or tests changed,
 * those that timed out and static survivors (scores.ts forgetStale says why). Runs queue on a machine-wide lock (lock.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Stryker } from '@stryker-mutator/core';
import { DEFAULT_BUDGET, DEFAULT_THRESHOLD, reportDir, scoreFile, strykerOptions } from './config.js';
import { acquireRunLock } from './lock.js';
import { coveredProjects, findProject } from './projects.js';
import { forgetStale, problems, scoreFileSchema, strykerReportSchema, summarize, type ScoreFile } from './scores.js';

const readPrevious = (path: string): ScoreFile | undefined => (existsSync(path) ? scoreFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) : undefined);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string', multiple: true, default: [] },
      all: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: String(DEFAULT_BUDGET.concurrency) },
    },
  });
  const root = process.cwd();
  const covered = coveredProjects(root);
  const names = values.all ? covered.map((p) => p.name) : values.project.flatMap((p) => p.split(',')).filter(Boolean);
  if (names.length === 0) throw new Error(`usage: npm run mutation -- --project=<name> | --all (covered: ${covered.map((p) => p.name).join(', ')})`);
  const projects = names.map((n) => findProject(covered, n));
  const concurrency = Number(values.concurrency);
  const lines: string[] = [];
  let failed = 0;
  for (const project of projects) {
    const path = scoreFile(project.name);
    const previous = readPrevious(path);
    const threshold = previous?.threshold ?? DEFAULT_THRESHOLD;
    mkdirSync(reportDir(project.name), { recursive: true });
    const release = await acquireRunLock('dist/mutation/.lock', project.name);
    const started = Date.now();
    try {
      const incremental = `${reportDir(project.name)}/incremental.json`;
      if (existsSync(incremental)) {
        const previousRun = JSON.parse(readFileSync(incremental, 'utf8')) as Parameters<typeof forgetStale>[0];
        const { timeouts, staticMissed } = forgetStale(previousRun);
        if (timeouts + staticMissed > 0) {
          writeFileSync(incremental, JSON.stringify(previousRun));
          console.log(`mutation: ${project.name}: tested again: ${timeouts} mutant(s) that timed out last time, ${staticMissed} static mutant(s) that survived or had no coverage`);
        }
      }
      await new Stryker(strykerOptions(project, { ...DEFAULT_BUDGET, concurrency }, threshold)).runMutationTest();
    } catch (err) {
      // One project's failed run (a red dry run, say) does not stop the others in the list.
      failed++;
      lines.push(`${project.name}: the run failed: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    } finally {
      release();
    }
    const seconds = (Date.now() - started) / 1000;
    const report = strykerReportSchema.parse(JSON.parse(readFileSync(`${reportDir(project.name)}/mutation.json`, 'utf8')));
    // Read again: reasons written into the score file while the run went on are kept.
    const latest = readPrevious(path);
    const summary = summarize(report, project.name, { threshold: latest?.threshold ?? threshold, measuredAt: new Date().toISOString(), durationSeconds: seconds, previous: latest });
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
    const issues = problems(summary);
    if (issues.length > 0) failed++;
    const c = summary.counts;
    lines.push(
      `${project.name}: ${summary.score} % (threshold ${threshold} %, first run ${summary.baseline} %) — ${c.killed} killed, ${c.timeout} timed out, ${c.survived} survived, ${c.noCoverage} no coverage, ${c.compileErrors} did not type-check; ${Math.round(seconds)} s; report ${reportDir(project.name)}/index.html`,
      ...issues.map((i) => `  ! ${i}`),
    );
  }
  console.log(['', 'mutation testing:', ...lines].join('\n'));
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
