import { describe, expect, it } from 'vitest';
import { forgetStale, mutationScore, originalText, problems, summarize, type ScoreFile, type StrykerReport } from './scores.js';

const source = ['export const stale = (ageMs: number, limitMs: number) => ageMs > limitMs;', "export const label = 'stale';", ''].join('\n');

type Status = StrykerReport['files'][string]['mutants'][number]['status'];
const mutant = (status: Status, line: number, startCol: number, endCol: number, mutatorName: string, replacement: string) => ({
  mutatorName,
  replacement,
  status,
  location: { start: { line, column: startCol }, end: { line, column: endCol } },
});

const report = (mutants: ReturnType<typeof mutant>[], src = source): StrykerReport => ({ files: { 'apps/x/src/stale.ts': { source: src, mutants } } });

const opts = { threshold: 85, measuredAt: '2026-12-02T00:00:00.000Z', durationSeconds: 12.4 };

describe('mutationScore', () => {
  it('counts timeouts as detected and no-coverage as missed', () => {
    expect(mutationScore({ killed: 6, timeout: 2, survived: 1, noCoverage: 1, compileErrors: 9, runtimeErrors: 3, ignored: 4 })).toBe(80);
  });
  it('is 100 when no mutant was valid', () => {
    expect(mutationScore({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, compileErrors: 5, runtimeErrors: 0, ignored: 0 })).toBe(100);
  });
  it('rounds down, so a score never reads above what was measured', () => {
    expect(mutationScore({ killed: 2, timeout: 0, survived: 1, noCoverage: 0, compileErrors: 0, runtimeErrors: 0, ignored: 0 })).toBe(66.66);
  });
});

describe('originalText', () => {
  it('cuts the mutated text by 1-based line and column', () => {
    const m = mutant('Survived', 1, 58, 73, 'EqualityOperator', 'ageMs >= limitMs');
    expect(originalText(source, m.location)).toBe('ageMs > limitMs');
    expect(originalText(source, { start: { line: 2, column: 22 }, end: { line: 2, column: 29 } })).toBe("'stale'");
  });
});

describe('summarize', () => {
  const mixed = report([
    mutant('Killed', 1, 58, 73, 'ConditionalExpression', 'true'),
    mutant('Timeout', 1, 58, 73, 'ConditionalExpression', 'false'),
    mutant('Survived', 1, 58, 73, 'EqualityOperator', 'ageMs >= limitMs'),
    mutant('NoCoverage', 2, 22, 29, 'StringLiteral', '""'),
    mutant('CompileError', 1, 22, 73, 'ArrowFunction', '() => undefined'),
  ]);

  it('counts every status and lists each survivor with what it changed', () => {
    const s = summarize(mixed, 'x', opts);
    expect(s.counts).toEqual({ killed: 1, timeout: 1, survived: 1, noCoverage: 1, compileErrors: 1, runtimeErrors: 0, ignored: 0 });
    expect(s.score).toBe(50);
    expect(s.baseline).toBe(50);
    expect(s.durationSeconds).toBe(12);
    expect(s.survivors.map((v) => [v.line, v.status, v.original, v.replacement, v.reason])).toEqual([
      [1, 'Survived', 'ageMs > limitMs', 'ageMs >= limitMs', ''],
      [2, 'NoCoverage', "'stale'", '""', ''],
    ]);
  });

  it('keeps the reasons and the first-run score of the previous file, by key, after lines move', () => {
    const first = summarize(mixed, 'x', opts);
    const reasoned: ScoreFile = { ...first, survivors: first.survivors.map((v) => ({ ...v, reason: v.status === 'Survived' ? 'equivalent: ages are whole seconds' : '' })) };
    const shifted = `// a new first line\n${source}`;
    const again = summarize(
      report(
        [mutant('Survived', 2, 58, 73, 'EqualityOperator', 'ageMs >= limitMs'), mutant('Killed', 3, 22, 29, 'StringLiteral', '""'), mutant('Killed', 2, 58, 73, 'ConditionalExpression', 'true')],
        shifted,
      ),
      'x',
      { ...opts, previous: reasoned },
    );
    expect(again.baseline).toBe(50);
    expect(again.score).toBe(66.66);
    expect(again.survivors).toEqual([expect.objectContaining({ line: 2, reason: 'equivalent: ages are whole seconds' })]);
  });

  it('carries a ratchet threshold and its reason over to the next run', () => {
    const first = { ...summarize(mixed, 'x', opts), threshold: 50, thresholdReason: 'ratchet while the handler tests are raised' };
    expect(summarize(mixed, 'x', { ...opts, threshold: first.threshold, previous: first })).toMatchObject({ threshold: 50, thresholdReason: 'ratchet while the handler tests are raised' });
  });

  it('numbers identical mutants so each keeps its own reason', () => {
    const twice = `${source}export const again = (ageMs: number, limitMs: number) => ageMs > limitMs;\n`;
    const s = summarize(report([mutant('Survived', 1, 58, 73, 'EqualityOperator', 'ageMs >= limitMs'), mutant('Survived', 3, 58, 73, 'EqualityOperator', 'ageMs >= limitMs')], twice), 'x', opts);
    const [a, b] = s.survivors;
    expect(b!.key).toBe(`${a!.key}#2`);
  });

  it('refuses a report from a run that did not finish', () => {
    expect(() => summarize(report([mutant('Pending', 1, 58, 73, 'EqualityOperator', 'x')]), 'x', opts)).toThrow(/Pending: the run did not finish/);
  });
});

describe('problems', () => {
  const file = (killed: number, survived: number, reason = 'harmless: log text'): ScoreFile => ({
    project: 'x',
    threshold: 85,
    score: mutationScore({ killed, timeout: 0, survived, noCoverage: 0, compileErrors: 0, runtimeErrors: 0, ignored: 0 }),
    counts: { killed, timeout: 0, survived, noCoverage: 0, compileErrors: 0, runtimeErrors: 0, ignored: 0 },
    baseline: 40,
    measuredAt: opts.measuredAt,
    durationSeconds: 1,
    survivors: Array.from({ length: survived }, (_, i) => ({ key: `k${i}`, file: 'f.ts', line: i + 1, mutator: 'StringLiteral', original: "'a'", replacement: '""', status: 'Survived' as const, reason })),
  });

  it('passes a project exactly at its threshold and fails one just below', () => {
    expect(file(17, 3).score).toBe(85);
    expect(problems(file(17, 3))).toEqual([]);
    const below = file(1699, 301);
    expect(below.score).toBe(84.95);
    expect(problems(below)).toEqual(['x: mutation score 84.95 % is below its threshold of 85 %']);
  });

  it('lets a ratchet below the target stand only with a reason, and owes survivor reasons only at the target', () => {
    const ratchet = { ...file(8, 2, ''), threshold: 80 };
    expect(problems(ratchet)).toEqual(['x: threshold 80 % is below the 85 % target without a thresholdReason']);
    expect(problems({ ...ratchet, thresholdReason: 'first measured 2026-12-02; handler tests not yet raised' })).toEqual([]);
    expect(problems({ ...ratchet, thresholdReason: 'r', score: 79.99, counts: { ...ratchet.counts } })).toContain('x: score 79.99 does not match its counts (80)');
  });

  it('fails a survivor with no reason, naming it', () => {
    expect(problems(file(9, 1, ' '))).toEqual([`x: 1 surviving mutant(s) have no reason to stay, e.g. f.ts:1 StringLiteral "'a'" -> """"`]);
  });

  it('fails a score that does not follow from the counts, and survivors missing from the list', () => {
    const edited = { ...file(9, 1), score: 95 };
    expect(problems(edited)).toContain('x: score 95 does not match its counts (90)');
    const dropped = { ...file(9, 1), survivors: [] };
    expect(problems(dropped)).toContain('x: 1 mutants survived but 0 are listed');
  });
});

describe('forgetStale', () => {
  it('drops timed-out mutants and static survivors from the incremental report and keeps everything else as it was', () => {
    const incremental = {
      schemaVersion: '2',
      files: {
        'a.ts': { language: 'typescript', mutants: [{ id: '1', status: 'Timeout' }, { id: '2', status: 'Killed' }, { id: '3', status: 'Survived' }, { id: '5', status: 'Survived', static: true }] },
        'b.ts': { language: 'typescript', mutants: [{ id: '4', status: 'Timeout', static: true }, { id: '6', status: 'Killed', static: true }, { id: '7', status: 'Survived', static: false }, { id: '8', status: 'NoCoverage', static: true }] },
      },
      testFiles: { 't.test.ts': { tests: [] } },
    };
    expect(forgetStale(incremental)).toEqual({ timeouts: 2, staticMissed: 2 });
    expect(incremental).toEqual({
      schemaVersion: '2',
      files: {
        'a.ts': { language: 'typescript', mutants: [{ id: '2', status: 'Killed' }, { id: '3', status: 'Survived' }] },
        'b.ts': { language: 'typescript', mutants: [{ id: '6', status: 'Killed', static: true }, { id: '7', status: 'Survived', static: false }] },
      },
      testFiles: { 't.test.ts': { tests: [] } },
    });
  });

  it('leaves a report with nothing stale alone, and one without files', () => {
    const clean = { files: { 'a.ts': { mutants: [{ status: 'Killed', static: true }] } } };
    expect(forgetStale(clean)).toEqual({ timeouts: 0, staticMissed: 0 });
    expect(clean.files['a.ts'].mutants).toHaveLength(1);
    expect(forgetStale({})).toEqual({ timeouts: 0, staticMissed: 0 });
  });
});
