import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkScores } from './check.js';
import type { ScoreFile } from './scores.js';

let root: string;

const project = (dir: string, name: string) => {
  mkdirSync(join(root, dir, 'src'), { recursive: true });
  writeFileSync(join(root, dir, 'project.json'), JSON.stringify({ name }));
};

const score = (name: string, over: Partial<ScoreFile> = {}): ScoreFile => ({
  project: name,
  threshold: 85,
  score: 90,
  counts: { killed: 9, timeout: 0, survived: 1, noCoverage: 0, compileErrors: 2, runtimeErrors: 0, ignored: 0 },
  baseline: 60,
  measuredAt: '2026-12-02T00:00:00.000Z',
  durationSeconds: 30,
  survivors: [{ key: 'k', file: 'f.ts', line: 3, mutator: 'StringLiteral', original: "'x'", replacement: '""', status: 'Survived', reason: 'log text only' }],
  ...over,
});

const write = (file: string, content: unknown) => writeFileSync(join(root, 'tools/mutation/scores', file), JSON.stringify(content));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mutation-check-'));
  mkdirSync(join(root, 'tools/mutation/scores'), { recursive: true });
  project('libs/lambda-core', 'lambda-core');
  project('apps/lambdas/update-status', 'update-status');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('checkScores', () => {
  it('passes score files that meet their threshold and explain their survivors', () => {
    write('lambda-core.json', score('lambda-core'));
    write('update-status.json', score('update-status'));
    const { lines, failures, unmeasured } = checkScores(root);
    expect(failures).toEqual([]);
    expect(unmeasured).toEqual([]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^lambda-core +90\.00 % +\(threshold 85 %, first run 60 %, 1 kept survivors\)$/);
  });

  it('fails a project below its threshold', () => {
    write('lambda-core.json', score('lambda-core', { score: 80, counts: { killed: 8, timeout: 0, survived: 2, noCoverage: 0, compileErrors: 0, runtimeErrors: 0, ignored: 0 }, survivors: [score('x').survivors[0]!, { ...score('x').survivors[0]!, key: 'k2' }] }));
    expect(checkScores(root).failures).toEqual(['lambda-core: mutation score 80 % is below its threshold of 85 %']);
  });

  it('fails a file that is not a score file, one named for another project, and an unknown project', () => {
    write('lambda-core.json', { project: 'lambda-core', score: 'high' });
    write('update-status.json', score('lambda-core'));
    write('nope.json', score('nope'));
    const { failures } = checkScores(root);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/^lambda-core\.json: not a score file: /);
    expect(failures).toContain('nope.json: "nope" is not a project mutation testing covers');
    expect(failures).toContain('update-status.json: holds the score of "lambda-core"');
  });

  it('fails when no score file is committed', () => {
    expect(checkScores(root).failures).toEqual([`${join(root, 'tools/mutation/scores')} holds no score files`]);
  });

  it('lists covered projects that have no score file without failing them', () => {
    write('lambda-core.json', score('lambda-core'));
    expect(checkScores(root)).toMatchObject({ failures: [], unmeasured: ['update-status'] });
  });
});
