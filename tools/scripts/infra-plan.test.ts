import { describe, expect, it } from 'vitest';
import { infraCommands } from './infra-plan.js';

const targets = (cmds: string[][]) => cmds.map((c) => c.slice(2, 5).join(' '));

describe('seed deployment commands as Nx steps', () => {
  it('bootstrap runs the six seed steps in order', () => {
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
    expect(infraCommands('down-persistent', 'dev', 'destroy tradai-persistent-dev')).toEqual([
      ['npx', 'nx', 'run', 'persistent:destroy', '-c', 'dev', '--confirm=destroy tradai-persistent-dev', '--output-style=stream'],
    ]);
  });
});
