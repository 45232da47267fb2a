import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderNatUserData } from './nat_instance.logic.js';

describe('renderNatUserData', () => {
  const script = renderNatUserData({ environment: 'dev', vpcCidr: '10.0.0.0/16' });

  it('is a bash script that bash accepts', () => {
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    const file = join(mkdtempSync(join(tmpdir(), 'nat-')), 'user-data.sh');
    writeFileSync(file, script);
    expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
  });

  it('enables forwarding persistently and masquerades the VPC', () => {
    expect(script).toContain('net.ipv4.ip_forward = 1');
    expect(script).toContain("VPC_CIDR='10.0.0.0/16'");
    expect(script).toMatch(/iptables -t nat -A POSTROUTING -o "\$IFACE" -s "\$VPC_CIDR" -j MASQUERADE/);
    expect(script).toContain('service iptables save');
    expect(script).toContain('systemctl enable --now iptables');
  });

  it('forwards only VPC flows and their replies', () => {
    expect(script).toContain('iptables -P FORWARD DROP');
    expect(script).toContain('--ctstate RELATED,ESTABLISHED -j ACCEPT');
  });

  it('quotes the values it is given', () => {
    expect(renderNatUserData({ environment: 'dev', vpcCidr: "10.0.0.0/16'; rm -rf /" })).toContain(`VPC_CIDR='10.0.0.0/16'\\''; rm -rf /'`);
  });

  it('fails naming the template when a variable is missing', () => {
    expect(() => renderNatUserData({ environment: 'dev' } as never)).toThrow(/nat-instance\.sh\.njk/);
  });
});
