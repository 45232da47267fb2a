import { describe, expect, it } from 'vitest';
import { RDS_CONFIG } from '../config/rds.js';
import { SERVICES } from '../config/services.js';
import { CommonPorts, PortRange, SecurityRuleBuilder, securityRuleArgs } from './security-rule-builder.js';

describe('PortRange', () => {
  it('validates bounds and order', () => {
    expect(new PortRange(1024, 65535)).toMatchObject({ from: 1024, to: 65535, protocol: 'tcp' });
    expect(() => new PortRange(-1, 10)).toThrow('PortRange: from port -1 is not an integer in 0..65535');
    expect(() => new PortRange(10, 65536)).toThrow('PortRange: to port 65536 is not an integer in 0..65535');
    expect(() => new PortRange(1.5)).toThrow(/not an integer/);
    expect(() => new PortRange(443, 80)).toThrow('PortRange: from 443 is greater than to 80');
    expect(() => new PortRange(1, 2, '-1')).toThrow(/all traffic\) takes ports 0-0/);
  });

  it('describes itself', () => {
    expect(String(PortRange.single(443))).toBe('tcp/443');
    expect(String(new PortRange(1024, 65535, 'udp'))).toBe('udp/1024-65535');
    expect(String(CommonPorts.ALL_TRAFFIC)).toBe('all traffic');
  });
});

describe('CommonPorts', () => {
  it('reads every service port from SERVICES and PostgreSQL from RDS_CONFIG', () => {
    expect(CommonPorts.BACKEND_API.from).toBe(SERVICES['backend-api'].port);
    expect(CommonPorts.DATA_COLLECTION.from).toBe(SERVICES['data-collection'].port);
    expect(CommonPorts.STRATEGY_SERVICE.from).toBe(SERVICES['strategy-service'].port);
    expect(CommonPorts.LIVE_TRADING.from).toBe(SERVICES['live-trading'].port);
    expect(CommonPorts.DRY_RUN_TRADING.from).toBe(SERVICES['dry-run-trading'].port);
    expect(CommonPorts.SHADOW_TRADING.from).toBe(SERVICES['shadow-trading'].port);
    expect(CommonPorts.MLFLOW).toMatchObject({ from: 5000, to: 5000 });
    expect(CommonPorts.POSTGRES.from).toBe(RDS_CONFIG.port);
    for (const name of Object.keys(SERVICES)) {
      expect(CommonPorts).toHaveProperty(name.replace(/-/g, '_').toUpperCase());
    }
  });

  it('has the web and wide ranges', () => {
    expect(CommonPorts.HTTP.from).toBe(80);
    expect(CommonPorts.HTTPS.from).toBe(443);
    expect(CommonPorts.EPHEMERAL).toMatchObject({ from: 1024, to: 65535 });
    expect(CommonPorts.ALL_TCP).toMatchObject({ from: 0, to: 65535, protocol: 'tcp' });
  });
});

describe('SecurityRuleBuilder', () => {
  it('builds ingress and egress specs with stable names', () => {
    const rules = new SecurityRuleBuilder('tradai-ecs-sg-dev')
      .ingressFromSg('sg-0alb', CommonPorts.BACKEND_API, 'backend-api from ALB')
      .ingressFromCidr('10.0.0.0/16', CommonPorts.ALL_TCP, 'VPC internal')
      .egressHttpsToInternet()
      .egressToSg('sg-0rds', CommonPorts.POSTGRES, 'PostgreSQL to RDS')
      .egressToCidr('10.0.0.0/16', 53, 'DNS to the VPC resolver')
      .build();
    expect(rules).toEqual([
      { name: 'tradai-ecs-sg-dev-ingress-backend-api-from-alb', type: 'ingress', protocol: 'tcp', fromPort: 8000, toPort: 8000, sourceSecurityGroupId: 'sg-0alb', description: 'backend-api from ALB' },
      { name: 'tradai-ecs-sg-dev-ingress-vpc-internal', type: 'ingress', protocol: 'tcp', fromPort: 0, toPort: 65535, cidrBlocks: ['10.0.0.0/16'], description: 'VPC internal' },
      { name: 'tradai-ecs-sg-dev-egress-https-to-the-internet', type: 'egress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'HTTPS to the internet' },
      { name: 'tradai-ecs-sg-dev-egress-postgresql-to-rds', type: 'egress', protocol: 'tcp', fromPort: 5432, toPort: 5432, sourceSecurityGroupId: 'sg-0rds', description: 'PostgreSQL to RDS' },
      { name: 'tradai-ecs-sg-dev-egress-dns-to-the-vpc-resolver', type: 'egress', protocol: 'tcp', fromPort: 53, toPort: 53, cidrBlocks: ['10.0.0.0/16'], description: 'DNS to the VPC resolver' },
    ]);
  });

  it('securityRuleArgs drops the name only', () => {
    const [rule] = new SecurityRuleBuilder('alb').ingressFromInternet(443, 'HTTPS from the internet').build();
    expect(securityRuleArgs(rule!)).toEqual({ type: 'ingress', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'HTTPS from the internet' });
  });

  it('allows only 80 and 443 from the internet, naming the port otherwise', () => {
    const b = new SecurityRuleBuilder('alb').ingressFromInternet(CommonPorts.HTTP, 'HTTP redirect').ingressFromInternet(443, 'HTTPS');
    expect(b.build()).toHaveLength(2);
    expect(() => new SecurityRuleBuilder('alb').ingressFromInternet(22, 'SSH')).toThrow(/ingress from the internet on tcp\/22 \("SSH"\) is refused/);
    expect(() => new SecurityRuleBuilder('alb').ingressFromInternet(CommonPorts.MLFLOW, 'mlflow')).toThrow(/tcp\/5000/);
    expect(() => new SecurityRuleBuilder('alb').ingressFromInternet(new PortRange(80, 443), 'range')).toThrow(/tcp\/80-443/);
    // The CIDR path cannot bypass the check.
    expect(() => new SecurityRuleBuilder('db').ingressFromCidr('0.0.0.0/0', CommonPorts.POSTGRES, 'open db')).toThrow(/tcp\/5432/);
    expect(() => new SecurityRuleBuilder('db').ingressFromCidr('::/0', CommonPorts.POSTGRES, 'open db v6')).toThrow(/tcp\/5432/);
  });

  it('allows egress to the internet on any port (NAT forwards it)', () => {
    const [rule] = new SecurityRuleBuilder('nat').egressToCidr('0.0.0.0/0', CommonPorts.ALL_TRAFFIC, 'All traffic out').build();
    expect(rule).toMatchObject({ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] });
  });

  it('requires a description AWS accepts', () => {
    expect(() => new SecurityRuleBuilder('sg').ingressFromSg('sg-1', 443, '')).toThrow('SecurityRuleBuilder(sg): ingress tcp/443 needs a description');
    expect(() => new SecurityRuleBuilder('sg').ingressFromSg('sg-1', 443, '   ')).toThrow(/needs a description/);
    expect(() => new SecurityRuleBuilder('sg').ingressFromSg('sg-1', 443, 'naïve "quote"')).toThrow(/characters AWS refuses/);
    expect(() => new SecurityRuleBuilder('sg').ingressFromSg('sg-1', 443, 'x'.repeat(256))).toThrow(/over 255/);
  });

  it('rejects duplicates and name clashes', () => {
    const b = new SecurityRuleBuilder('sg').ingressFromSg('sg-1', 443, 'HTTPS from ALB');
    expect(() => b.ingressFromSg('sg-1', 443, 'again from ALB')).toThrow('SecurityRuleBuilder(sg): duplicate ingress rule on tcp/443 ("again from ALB")');
    expect(() => b.ingressFromSg('sg-2', 443, 'HTTPS from ALB')).toThrow(/same name sg-ingress-https-from-alb/);
    // Same description for ingress and egress: different names.
    expect(b.egressToSg('sg-1', 443, 'HTTPS from ALB').build()).toHaveLength(2);
  });

  it('compares non-string security group ids by identity', () => {
    const alb = { output: 'alb' };
    const ecs = { output: 'ecs' };
    const b = new SecurityRuleBuilder<object>('sg').ingressFromSg(alb, 80, 'from alb').ingressFromSg(ecs, 80, 'from ecs');
    expect(b.build().map((r) => r.sourceSecurityGroupId)).toEqual([alb, ecs]);
    expect(() => b.ingressFromSg(alb, 80, 'from alb again')).toThrow(/duplicate ingress rule/);
  });

  it('validates CIDR blocks and security group ids', () => {
    expect(() => new SecurityRuleBuilder('sg').ingressFromCidr('10.0.0.0', 443, 'no mask')).toThrow(/"10.0.0.0" is not an IPv4 CIDR block/);
    expect(() => new SecurityRuleBuilder('sg').ingressFromCidr('10.0.300.0/16', 443, 'bad octet')).toThrow(/not an IPv4 CIDR/);
    expect(() => new SecurityRuleBuilder('sg').egressToCidr('10.0.0.0/33', 443, 'bad mask')).toThrow(/not an IPv4 CIDR/);
    expect(() => new SecurityRuleBuilder('sg').ingressFromSg('', 443, 'empty')).toThrow(/empty security group id/);
    expect(() => new SecurityRuleBuilder('sg').ingressFromSg('sg-1', 70000, 'bad port')).toThrow(/to port 70000|from port 70000/);
  });

  it('build() returns copies', () => {
    const b = new SecurityRuleBuilder('sg').egressHttpsToInternet();
    b.build()[0]!.cidrBlocks!.push('10.0.0.0/8');
    expect(b.build()[0]!.cidrBlocks).toEqual(['0.0.0.0/0']);
  });
});
