import { describe, expect, it } from 'vitest';
import {
  SubnetPlanError,
  allocateSubnets,
  cidrContains,
  cidrOverlaps,
  parseCidr,
  pickAvailabilityZones,
  planSubnets,
  tierCidrs,
} from './vpc.logic.js';

describe('parseCidr', () => {
  it('parses a network address and prefix', () => {
    expect(parseCidr('10.0.0.0/16')).toEqual({ base: 10 * 2 ** 24, prefix: 16 });
  });

  it.each(['10.0.0.0', '10.0.0/16', '10.0.0.256/24', '10.0.0.0/33', 'abc/8'])('rejects %s', (bad) => {
    expect(() => parseCidr(bad)).toThrow(SubnetPlanError);
  });

  it('rejects a host address and names the network address', () => {
    expect(() => parseCidr('10.0.1.5/24')).toThrow(/network address of that \/24 is 10\.0\.1\.0/);
  });
});

describe('planSubnets', () => {
  const plan = planSubnets('10.0.0.0/16', 2);

  it('makes 2 public, 2 private and 2 database subnets', () => {
    expect(plan).toHaveLength(6);
    for (const tier of ['public', 'private', 'database'] as const) {
      expect(plan.filter((s) => s.tier === tier).map((s) => s.azIndex)).toEqual([0, 1]);
    }
  });

  it('is the documented layout (changing it would replace subnets)', () => {
    expect(tierCidrs(plan, 'public')).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
    expect(tierCidrs(plan, 'private')).toEqual(['10.0.16.0/20', '10.0.32.0/20']);
    expect(tierCidrs(plan, 'database')).toEqual(['10.0.48.0/24', '10.0.49.0/24']);
  });

  it('keeps every subnet inside the VPC, aligned, and disjoint from the others', () => {
    const vpc = parseCidr('10.0.0.0/16');
    const cidrs = plan.map((s) => parseCidr(s.cidr)); // parseCidr also checks alignment
    for (const c of cidrs) expect(cidrContains(vpc, c)).toBe(true);
    for (let i = 0; i < cidrs.length; i++) {
      for (let j = i + 1; j < cidrs.length; j++) expect(cidrOverlaps(cidrs[i]!, cidrs[j]!)).toBe(false);
    }
  });

  it('scales to three AZs without overlap', () => {
    const three = planSubnets('10.0.0.0/16', 3);
    expect(three).toHaveLength(9);
    const cidrs = three.map((s) => parseCidr(s.cidr));
    expect(new Set(three.map((s) => s.cidr)).size).toBe(9);
    for (let i = 0; i < cidrs.length; i++) {
      for (let j = i + 1; j < cidrs.length; j++) expect(cidrOverlaps(cidrs[i]!, cidrs[j]!)).toBe(false);
    }
  });

  it('refuses a single AZ (RDS subnet groups need two)', () => {
    expect(() => planSubnets('10.0.0.0/16', 1)).toThrow(/azCount must be an integer >= 2/);
  });

  it('fails naming the tier when the VPC is too small', () => {
    expect(() => planSubnets('10.0.0.0/20', 2)).toThrow(/private subnet 1\/2 \(\/20\) does not fit in 10\.0\.0\.0\/20/);
  });
});

describe('allocateSubnets', () => {
  it('aligns a larger block after smaller ones', () => {
    const plan = allocateSubnets('10.1.0.0/16', [
      { tier: 'public', prefix: 26, count: 1 },
      { tier: 'private', prefix: 24, count: 1 },
    ]);
    expect(plan.map((s) => s.cidr)).toEqual(['10.1.0.0/26', '10.1.1.0/24']);
  });

  it('rejects a prefix shorter than the VPC or longer than /28', () => {
    expect(() => allocateSubnets('10.0.0.0/16', [{ tier: 'public', prefix: 8, count: 1 }])).toThrow(/between \/16/);
    expect(() => allocateSubnets('10.0.0.0/16', [{ tier: 'public', prefix: 30, count: 1 }])).toThrow(/\/28/);
  });
});

describe('pickAvailabilityZones', () => {
  it('takes the first two in sorted order', () => {
    expect(pickAvailabilityZones(['eu-central-1c', 'eu-central-1a', 'eu-central-1b'])).toEqual(['eu-central-1a', 'eu-central-1b']);
  });

  it('fails when the region has too few', () => {
    expect(() => pickAvailabilityZones(['eu-central-1a'], 2)).toThrow(/need 2 availability zones, the region reports 1/);
  });
});
