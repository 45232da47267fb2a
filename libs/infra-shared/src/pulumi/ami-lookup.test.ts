import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { al2023AmiFilters, getLatestAl2023Ami, type AmiArchitecture } from './ami-lookup.js';

const invokes: { token: string; inputs: Record<string, unknown> }[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => {
        invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
        const filters = (args.inputs['filters'] as { name: string; values: string[] }[]) ?? [];
        const arch = filters.find((f) => f.name === 'architecture')?.values[0];
        return { id: `ami-${arch}`, imageId: `ami-${arch}` };
      },
    },
    'ami-test',
    'dev',
    false,
  );
});

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe('al2023AmiFilters', () => {
  it.each<AmiArchitecture>(['arm64', 'x86_64'])('matches the standard AL2023 image for %s', (arch) => {
    expect(al2023AmiFilters(arch)).toEqual([
      { name: 'owner-alias', values: ['amazon'] },
      { name: 'name', values: [`al2023-ami-2023.*-kernel-*-${arch}`] },
      { name: 'architecture', values: [arch] },
      { name: 'virtualization-type', values: ['hvm'] },
      { name: 'state', values: ['available'] },
    ]);
  });

  it('the name pattern excludes the minimal and ECS-optimized variants', () => {
    const pattern = new RegExp(`^${al2023AmiFilters('arm64')[1]!.values[0]!.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
    expect(pattern.test('al2023-ami-2023.6.20241121.0-kernel-6.1-arm64')).toBe(true);
    expect(pattern.test('al2023-ami-minimal-2023.6.20241121.0-kernel-6.1-arm64')).toBe(false);
    expect(pattern.test('al2023-ami-ecs-hvm-2023.0.20241120-kernel-6.1-arm64')).toBe(false);
    expect(pattern.test('al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64')).toBe(false);
  });

  it('refuses an unknown architecture', () => {
    expect(() => al2023AmiFilters('i386' as AmiArchitecture)).toThrow('al2023AmiFilters: architecture "i386" is not arm64 or x86_64');
  });
});

describe('getLatestAl2023Ami', () => {
  it('asks for the most recent Amazon-owned image with the filters and returns its id', async () => {
    const id = await promiseOf(getLatestAl2023Ami('arm64'));
    expect(id).toBe('ami-arm64');
    const invoke = invokes.find((i) => i.token === 'aws:ec2/getAmi:getAmi');
    expect(invoke?.inputs).toMatchObject({ mostRecent: true, owners: ['amazon'], filters: al2023AmiFilters('arm64') });
  });
});
