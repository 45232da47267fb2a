import { describe, expect, it } from 'vitest';
import { infraCommands } from './infra-plan.js';

const targets = (cmds: string[][]) => cmds.map((c) => c.slice(2, 5).join(' '));

describe('seed deployment commands as Nx steps', () => {
  it('bootstrap runs the six seed steps in order (after the state bucket, made in-process)', () => {
    expect(targets(infraCommands('bootstrap', 'dev'))).toEqual([
      'run persistent:up -c',
      'run foundation:up -c',
      'run-many -t push',
      'run-many -t push',
      'run compute:up -c',
      'run edge:up -c',
    ]);
    expect(infraCommands('bootstrap', 'dev')[2]).toContain('--projects=tag:type:lambda');
    expect(infraCommands('bootstrap', 'dev')[3]).toContain('--projects=tag:type:service');
  });

  it('teardowns go in reverse order and keep persistent unless asked', () => {
    expect(infraCommands('down-soft', 'prod').map((c) => c[3])).toEqual(['edge:destroy', 'compute:destroy']);
    expect(infraCommands('down-all', 'prod').map((c) => c[3])).toEqual(['edge:destroy', 'compute:destroy', 'foundation:destroy']);
    expect(infraCommands('down-persistent', 'dev', { confirm: 'destroy tradai-persistent-dev' })).toEqual([
      ['npx', 'nx', 'run', 'persistent:destroy', '-c', 'dev', '--confirm=destroy tradai-persistent-dev', '--output-style=stream'],
    ]);
  });

  it('passes the prod unprotect step and the shared-account override through to the destroy runs', () => {
    expect(infraCommands('down-persistent', 'prod', { confirm: 'destroy tradai-persistent-prod', unprotect: true, confirmUnprotect: 'unprotect tradai-persistent-prod' })[0]).toEqual([
      'npx', 'nx', 'run', 'persistent:destroy', '-c', 'prod',
      '--confirm=destroy tradai-persistent-prod', '--unprotect', '--confirm-unprotect=unprotect tradai-persistent-prod', '--output-style=stream',
    ]);
    expect(infraCommands('down-soft', 'staging', { includeShared: true }).every((c) => c.includes('--include-shared'))).toBe(true);
    // Only persistent takes the phrases.
    expect(infraCommands('down-all', 'prod', { confirm: 'x', unprotect: true }).flat().filter((a) => a.startsWith('--confirm') || a === '--unprotect')).toEqual([]);
  });
});
