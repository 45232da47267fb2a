import { join } from 'node:path';
import { findWorkspaceRoot, makeShellTemplateEnv, renderShellTemplate } from '@tradai/infra-shared';

/** Smallest Graviton instance: ~$3/month, enough for dev/staging egress (seed section 5). */
export const NAT_INSTANCE_TYPE = 't4g.nano';
export const NAT_ARCHITECTURE = 'arm64' as const;
/** AWS-managed policy that lets Session Manager reach the instance (no SSH key, no port 22). */
export const SSM_CORE_POLICY = 'AmazonSSMManagedInstanceCore';

/** Where the foundation's `.sh.njk` user-data templates live. */
export function templatesDir(root: string = findWorkspaceRoot()): string {
  return join(root, 'infra', 'foundation', 'templates');
}

export interface NatUserDataVars {
  readonly environment: string;
  /** Only traffic from this block is translated and forwarded. */
  readonly vpcCidr: string;
}

/** The NAT instance's user data: IP forwarding plus iptables MASQUERADE for the VPC. */
export function renderNatUserData(vars: NatUserDataVars, dir: string = templatesDir()): string {
  return renderShellTemplate(makeShellTemplateEnv(dir), 'nat-instance', { environment: vars.environment, vpc_cidr: vars.vpcCidr });
}
