/**
 * The committed score file of a project: its mutation score from the last run, and every mutant
 * that survived with the reason it may stay. Pure functions over Stryker's JSON report
 * (mutation-testing-report-schema), so the summary and the check are testable without a run.
 */
import { z } from 'zod';
import { DEFAULT_THRESHOLD } from './config.js';

const position = z.object({ line: z.number().int(), column: z.number().int() });

/** The part of Stryker's JSON report the summary reads. */
export const strykerReportSchema = z.object({
  files: z.record(
    z.string(),
    z.object({
      source: z.string(),
      mutants: z.array(
        z.object({
          mutatorName: z.string(),
          replacement: z.string().optional(),
          status: z.enum(['Killed', 'Survived', 'NoCoverage', 'Timeout', 'CompileError', 'RuntimeError', 'Ignored', 'Pending']),
          location: z.object({ start: position, end: position }),
        }),
      ),
    }),
  ),
});
export type StrykerReport = z.infer<typeof strykerReportSchema>;

export const survivorSchema = z.object({
  /** Stable across edits elsewhere in the file: file, mutator, original text and replacement. */
  key: z.string().min(1),
  file: z.string(),
  line: z.number().int().positive(),
  mutator: z.string(),
  original: z.string(),
  replacement: z.string(),
  /** NoCoverage mutants are listed too: no test reaches them. */
  status: z.enum(['Survived', 'NoCoverage']),
  /** Why it stays (equivalent or harmless). Empty means nobody has looked yet, and the check fails. */
  reason: z.string(),
});
export type Survivor = z.infer<typeof survivorSchema>;

export const scoreFileSchema = z
  .object({
    project: z.string().min(1),
    /** The gate: CI fails below it. The 85 % target, or, while a project is being brought up to it, a ratchet at its measured score. */
    threshold: z.number().min(0).max(100),
    /** Required when the threshold is below the target: why, and what is left. */
    thresholdReason: z.string().min(1).optional(),
    score: z.number().min(0).max(100),
    counts: z.object({
      killed: z.number().int().min(0),
      timeout: z.number().int().min(0),
      survived: z.number().int().min(0),
      noCoverage: z.number().int().min(0),
      compileErrors: z.number().int().min(0),
      runtimeErrors: z.number().int().min(0),
      ignored: z.number().int().min(0),
    }),
    /** The score when mutation testing was first run on the project, before any test was added. */
    baseline: z.number().min(0).max(100).nullable(),
    measuredAt: z.string(),
    durationSeconds: z.number().min(0),
    survivors: z.array(survivorSchema),
  })
  .strict();
export type ScoreFile = z.infer<typeof scoreFileSchema>;

type Counts = ScoreFile['counts'];

/** Stryker's mutation score: detected mutants over all mutants that ran or should have. */
export function mutationScore(c: Counts): number {
  const detected = c.killed + c.timeout;
  const valid = detected + c.survived + c.noCoverage;
  return valid === 0 ? 100 : Math.floor((detected / valid) * 10_000) / 100;
}

/** The text a mutant replaced, cut from the file's source by its 1-based line / column location. */
export function originalText(source: string, loc: StrykerReport['files'][string]['mutants'][number]['location']): string {
  const lines = source.split('\n');
  const offset = (p: { line: number; column: number }) => lines.slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + p.column - 1;
  return source.slice(offset(loc.start), offset(loc.end));
}

const squash = (s: string, max = 80) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

export function summarize(report: StrykerReport, project: string, opts: { threshold: number; measuredAt: string; durationSeconds: number; previous?: ScoreFile }): ScoreFile {
  const counts: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, compileErrors: 0, runtimeErrors: 0, ignored: 0 };
  const survivors: Survivor[] = [];
  const seen = new Map<string, number>();
  const reasons = new Map((opts.previous?.survivors ?? []).map((s) => [s.key, s.reason]));
  for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const ordered = [...mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    for (const m of ordered) {
      switch (m.status) {
        case 'Killed': counts.killed++; break;
        case 'Timeout': counts.timeout++; break;
        case 'CompileError': counts.compileErrors++; break;
        case 'RuntimeError': counts.runtimeErrors++; break;
        case 'Ignored': counts.ignored++; break;
        case 'Pending': throw new Error(`${file}:${m.location.start.line}: a mutant is still Pending: the run did not finish`);
        case 'Survived':
        case 'NoCoverage': {
          if (m.status === 'Survived') counts.survived++;
          else counts.noCoverage++;
          const original = squash(originalText(source, m.location));
          const replacement = squash(m.replacement ?? '');
          const base = `${file}|${m.mutatorName}|${original}|${replacement}`;
          const n = (seen.get(base) ?? 0) + 1;
          seen.set(base, n);
          const key = n === 1 ? base : `${base}#${n}`;
          survivors.push({ key, file, line: m.location.start.line, mutator: m.mutatorName, original, replacement, status: m.status, reason: reasons.get(key) ?? '' });
          break;
        }
      }
    }
  }
  return {
    project,
    threshold: opts.threshold,
    ...(opts.previous?.thresholdReason ? { thresholdReason: opts.previous.thresholdReason } : {}),
    score: mutationScore(counts),
    counts,
    baseline: opts.previous ? opts.previous.baseline : mutationScore(counts),
    measuredAt: opts.measuredAt,
    durationSeconds: Math.round(opts.durationSeconds),
    survivors,
  };
}

/** What is wrong with a committed score file; empty when it holds. */
export function problems(file: ScoreFile): string[] {
  const out: string[] = [];
  const recomputed = mutationScore(file.counts);
  if (Math.abs(recomputed - file.score) > 0.01) out.push(`${file.project}: score ${file.score} does not match its counts (${recomputed})`);
  if (file.score < file.threshold) out.push(`${file.project}: mutation score ${file.score} % is below its threshold of ${file.threshold} %`);
  const listed = file.survivors.length;
  const counted = file.counts.survived + file.counts.noCoverage;
  if (listed !== counted) out.push(`${file.project}: ${counted} mutants survived but ${listed} are listed`);
  if (file.threshold < DEFAULT_THRESHOLD && !file.thresholdReason?.trim()) {
    out.push(`${file.project}: threshold ${file.threshold} % is below the ${DEFAULT_THRESHOLD} % target without a thresholdReason`);
  }
  // Below the target the survivors are open work, not kept ones: reasons are owed once it is met.
  const unexplained = file.threshold < DEFAULT_THRESHOLD ? [] : file.survivors.filter((s) => s.reason.trim() === '');
  if (unexplained.length > 0) {
    out.push(`${file.project}: ${unexplained.length} surviving mutant(s) have no reason to stay, e.g. ${unexplained.slice(0, 3).map((s) => `${s.file}:${s.line} ${s.mutator} "${s.original}" -> "${s.replacement}"`).join('; ')}`);
  }
  return out;
}

/**
 * Stryker's incremental report without the results it would carry over stale, so the next run
 * tests those mutants again. Returns how many of each were dropped.
 * - Timeouts: a timeout counts as detected, and on a loaded machine a mutant can time out for the
 *   load alone; a real one (an endless loop) times out again.
 * - Static mutants that survived or had no coverage (code that runs when a module loads: a schema,
 *   a logger's name, a strategy's declaration): Stryker records no covering tests for them, so a
 *   test written or a module first imported since does not count as a change and the result would
 *   be carried over. Re-testing one runs every test of the project; there are few.
 */
export function forgetStale(incremental: { files?: Record<string, { mutants?: { status?: string; static?: boolean }[] }> }): { timeouts: number; staticMissed: number } {
  const dropped = { timeouts: 0, staticMissed: 0 };
  for (const file of Object.values(incremental.files ?? {})) {
    file.mutants = (file.mutants ?? []).filter((m) => {
      if (m.status === 'Timeout') dropped.timeouts++;
      else if ((m.status === 'Survived' || m.status === 'NoCoverage') && m.static === true) dropped.staticMissed++;
      else return true;
      return false;
    });
  }
  return dropped;
}
