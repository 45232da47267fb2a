import { describe, expect, it } from 'vitest';
import { ANYWHERE, assertUniqueRuleNumbers, naclEntries, type NaclEntry } from './nacl.logic.js';
import { SUBNET_TIERS } from './vpc.logic.js';

const input = { vpcCidr: '10.0.0.0/16', privateCidrs: ['10.0.16.0/20', '10.0.32.0/20'] };

const covers = (e: NaclEntry, port: number) => e.protocol === '-1' || (e.fromPort <= port && port <= e.toPort);

describe('naclEntries', () => {
  it.each(SUBNET_TIERS)('%s: rule numbers are unique per direction and every entry says why', (tier) => {
    const entries = naclEntries(tier, input);
    expect(() => assertUniqueRuleNumbers(entries)).not.toThrow();
    for (const e of entries) expect(e.purpose.length).toBeGreaterThan(10);
  });

  it('database: only PostgreSQL from the private subnets, only replies back to them', () => {
    const entries = naclEntries('database', input);
    const ingress = entries.filter((e) => !e.egress);
    const egress = entries.filter((e) => e.egress);
    expect(ingress.map((e) => e.cidrBlock).sort()).toEqual([...input.privateCidrs].sort());
    for (const e of ingress) expect([e.protocol, e.fromPort, e.toPort]).toEqual(['tcp', 5432, 5432]);
    expect(egress.map((e) => e.cidrBlock).sort()).toEqual([...input.privateCidrs].sort());
    for (const e of egress) expect([e.protocol, e.fromPort, e.toPort]).toEqual(['tcp', 1024, 65535]);
    // nothing from the internet, the VPC as a whole or the public subnets
    expect(entries.some((e) => e.cidrBlock === ANYWHERE || e.cidrBlock === input.vpcCidr)).toBe(false);
    expect(entries.every((e) => e.ruleAction === 'allow')).toBe(true);
  });

  it('database: honours a different database port', () => {
    const entries = naclEntries('database', { ...input, databasePort: 6543 });
    expect(entries.filter((e) => !e.egress).every((e) => e.fromPort === 6543 && e.toPort === 6543)).toBe(true);
  });

  it('database: refuses an empty private tier', () => {
    expect(() => naclEntries('database', { ...input, privateCidrs: [] })).toThrow(/privateCidrs is empty/);
  });

  it('public: from the internet only 80, 443 and ephemeral replies', () => {
    const fromInternet = naclEntries('public', input).filter((e) => !e.egress && e.cidrBlock === ANYWHERE);
    expect(fromInternet.some((e) => e.protocol === '-1')).toBe(false);
    // Below the ephemeral range only the two web ports; ephemeral ranges are replies (stateless).
    for (const port of [22, 25, 53, 111, 445]) expect(fromInternet.some((e) => covers(e, port))).toBe(false);
    for (const e of fromInternet.filter((x) => x.fromPort !== 80 && x.fromPort !== 443)) expect([e.fromPort, e.toPort]).toEqual([1024, 65535]);
    expect(fromInternet.some((e) => covers(e, 443))).toBe(true);
    expect(fromInternet.some((e) => covers(e, 80))).toBe(true);
  });

  it('private: nothing from the internet but replies on ephemeral ports', () => {
    const fromInternet = naclEntries('private', input).filter((e) => !e.egress && e.cidrBlock === ANYWHERE);
    expect(fromInternet.length).toBeGreaterThan(0);
    for (const e of fromInternet) expect([e.fromPort, e.toPort]).toEqual([1024, 65535]);
  });
});

describe('assertUniqueRuleNumbers', () => {
  it('flags a duplicate in the same direction only', () => {
    const e = naclEntries('private', input)[0]!;
    expect(() => assertUniqueRuleNumbers([e, { ...e, egress: !e.egress }])).not.toThrow();
    expect(() => assertUniqueRuleNumbers([e, e])).toThrow(/duplicate NACL rule number 100 \(ingress\)/);
  });
});
