import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { EC2_CONSOLIDATED_CONFIG, findWorkspaceRoot } from '@tradai/infra-shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPOSE_VERSION } from './ec2_userdata.js';

/**
 * The Packer template of the consolidated host's AMI (infra/ami), checked without the Packer
 * binary (none can be installed here): parsed with HCL's own parser (@cdktf/hcl2json wraps
 * hashicorp/hcl), then its structure checked against what compute launches it as.
 */
const TEMPLATE = join(findWorkspaceRoot(), 'infra', 'ami', 'consolidated.pkr.hcl');

type Block<T = Record<string, unknown>> = T[];
interface Template {
  packer: Block<{ required_plugins: Block<Record<string, { version: string; source: string }>> }>;
  variable: Record<string, Block<{ type: string; default: string }>>;
  locals: Block<Record<string, string | number>>;
  source: Record<string, Record<string, Block<Record<string, unknown>>>>;
  build: Block<{ sources: string[]; provisioner: Record<string, Block<{ inline: string[]; environment_vars?: string[] }>> }>;
}
let hcl: Template;

beforeAll(async () => {
  hcl = (await parse('consolidated.pkr.hcl', readFileSync(TEMPLATE, 'utf8'))) as Template;
});

const variable = (name: string) => {
  const v = hcl.variable[name]?.[0];
  if (!v) throw new Error(`the template declares no variable "${name}"`);
  return v.default;
};
const locals = () => Object.assign({}, ...hcl.locals) as Record<string, string | number>;
/** Resolves `${local.x}` / `${var.x}` references to their values (the template uses no other expressions there). */
const resolve = (v: unknown) =>
  String(v).replace(/\$\{(local|var)\.(\w+)\}/g, (_, kind: string, name: string) => String(kind === 'local' ? locals()[name] : variable(name)));
const source = () => hcl.source['amazon-ebs']!['consolidated']![0]!;
const provisioners = () => hcl.build[0]!.provisioner['shell']!;
const script = () => provisioners().flatMap((p) => [...(p.environment_vars ?? []), ...p.inline]).join('\n');

describe('infra/ami Packer template', () => {
  it('pins the amazon plugin to an exact version', () => {
    const amazon = hcl.packer[0]!.required_plugins[0]!['amazon']!;
    expect(amazon.source).toBe('github.com/hashicorp/amazon');
    expect(amazon.version).toMatch(/^= \d+\.\d+\.\d+$/);
  });

  it('pins the AL2023 release, Docker, Compose and the CloudWatch agent to exact versions', () => {
    expect(variable('al2023_release')).toMatch(/^2023\.\d+\.\d{8}\.\d+$/);
    expect(variable('docker_version')).toMatch(/^\d+\.\d+\.\d+-\d+\.amzn2023(\.\d+)*$/);
    expect(variable('cloudwatch_agent_version')).toMatch(/^\d+\.\d+\.\d+-\d+\.amzn2023(\.\d+)*$/);
    // The same Compose release the user data installs when it boots stock AL2023.
    expect(variable('compose_version')).toBe(COMPOSE_VERSION);
  });

  it('builds from Amazon\'s AL2023 image of that release, for the architecture, type and disk compute launches', () => {
    const s = source();
    const filter = (s['source_ami_filter'] as Block<{ filters: Record<string, string>; owners: string[] }>)[0]!;
    expect(filter.owners).toEqual(['amazon']);
    expect(resolve(filter.filters['name'])).toBe(`al2023-ami-${variable('al2023_release')}-kernel-6.1-${EC2_CONSOLIDATED_CONFIG.architecture}`);
    expect(resolve(filter.filters['architecture'])).toBe(EC2_CONSOLIDATED_CONFIG.architecture);
    expect(resolve(s['instance_type'])).toBe(EC2_CONSOLIDATED_CONFIG.instanceType);
    expect(resolve(s['region'])).toBe('eu-central-1');
    const [root] = s['launch_block_device_mappings'] as Block;
    // The launch template's root volume must be at least the AMI's.
    expect(Number(resolve(root!['volume_size']))).toBeLessThanOrEqual(EC2_CONSOLIDATED_CONFIG.volumeSizeGb);
    expect(root).toMatchObject({ device_name: '/dev/xvda', volume_type: EC2_CONSOLIDATED_CONFIG.volumeType, encrypted: true });
    expect(s['encrypt_boot']).toBe(true);
    expect((s['metadata_options'] as Block)[0]).toMatchObject({ http_tokens: 'required' });
  });

  it('installs the pinned packages from the locked release and keeps them locked', () => {
    const text = script();
    expect(text).toContain('AL2023_RELEASE=${var.al2023_release}');
    expect(text).toMatch(/dnf install -y --releasever="\$AL2023_RELEASE" .*"docker-\$DOCKER_VERSION" "amazon-cloudwatch-agent-\$CLOUDWATCH_AGENT_VERSION"/);
    expect(text).toContain('dnf versionlock add docker amazon-cloudwatch-agent');
    expect(text).toContain('systemctl enable docker');
  });

  it('installs Compose from its release with the published checksum checked', () => {
    const text = script();
    expect(text).toContain('COMPOSE_VERSION=${var.compose_version}');
    expect(text).toContain('sha256sum -c docker-compose-linux-x86_64.sha256');
    expect(text).toContain('/usr/local/lib/docker/cli-plugins/docker-compose');
  });

  it('fails the build unless the installed versions are the pinned ones, then removes build-time identity', () => {
    const verify = provisioners().find((p) => p.inline.some((l) => l.includes('docker compose version')))!;
    expect(verify.inline.filter((l) => l.startsWith('test '))).toHaveLength(3);
    expect(verify.environment_vars).toEqual(['DOCKER_VERSION=${var.docker_version}', 'COMPOSE_VERSION=${var.compose_version}', 'CLOUDWATCH_AGENT_VERSION=${var.cloudwatch_agent_version}']);
    const last = provisioners().at(-1)!.inline;
    expect(last).toContain('sudo rm -f /etc/ssh/ssh_host_*');
    expect(last).toContain('sudo cloud-init clean --logs');
  });

  it('is checked by a parser that rejects malformed HCL', async () => {
    await expect(parse('broken.pkr.hcl', 'source "amazon-ebs" "x" {\n  region = \n')).rejects.toThrow();
  });

  it('builds the one source it declares', () => {
    expect(hcl.build[0]!.sources).toEqual(['source.amazon-ebs.consolidated']);
    expect(Object.keys(hcl.source)).toEqual(['amazon-ebs']);
  });
});
