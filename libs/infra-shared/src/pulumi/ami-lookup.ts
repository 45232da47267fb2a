import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** CPU architectures AL2023 is published for (the consolidated EC2 uses arm64/Graviton by default). */
export type AmiArchitecture = 'arm64' | 'x86_64';

/** One `ec2:DescribeImages` filter. */
export interface AmiFilter {
  readonly name: string;
  readonly values: string[];
}

/**
 * Filters matching the standard Amazon Linux 2023 AMI for `arch`: Amazon-owned, name
 * `al2023-ami-2023.*-kernel-*-<arch>` (excludes the `al2023-ami-minimal-*` images), HVM, available.
 */
export function al2023AmiFilters(arch: AmiArchitecture): AmiFilter[] {
  if (arch !== 'arm64' && arch !== 'x86_64') throw new Error(`al2023AmiFilters: architecture "${String(arch)}" is not arm64 or x86_64`);
  return [
    { name: 'owner-alias', values: ['amazon'] },
    { name: 'name', values: [`al2023-ami-2023.*-kernel-*-${arch}`] },
    { name: 'architecture', values: [arch] },
    { name: 'virtualization-type', values: ['hvm'] },
    { name: 'state', values: ['available'] },
  ];
}

/**
 * The id of the newest Amazon Linux 2023 AMI for `arch` (seed: get_latest_al2023_ami).
 * A new AMI release changes the id: pin `ami` with `ignoreChanges` on the instance if a
 * replacement on every release is not wanted.
 */
export function getLatestAl2023Ami(arch: AmiArchitecture, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return aws.ec2.getAmiOutput({ mostRecent: true, owners: ['amazon'], filters: al2023AmiFilters(arch) }, opts).id;
}
