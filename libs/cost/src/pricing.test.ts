import { describe, expect, it } from 'vitest';
import { EC2_HOURLY, PRICES, PRICES_AS_OF, RDS_HOURLY, UnknownPriceError, ec2Hourly } from './prices.js';
import {
  albMonthly,
  dynamoMonthly,
  ebsMonthly,
  ec2Monthly,
  fargateHourly,
  fargateMonthly,
  interfaceEndpointMonthly,
  lambdaMonthly,
  logsMonthly,
  natGatewayMonthly,
  publicIpv4Monthly,
  rdsMonthly,
  relativeDifference,
  round2,
  s3Monthly,
  sfnMonthly,
  spotTaskCount,
  wafMonthly,
} from './pricing.js';

describe('the price table', () => {
  it('is dated and every figure names its source page', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}$/);
    for (const price of [...Object.values(PRICES), ...Object.values(EC2_HOURLY), ...Object.values(RDS_HOURLY)]) {
      expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\/.+\(.*\d{4}-\d{2}.*\)$/);
      expect(price.usd).toBeGreaterThanOrEqual(0);
    }
  });

  it('refuses an instance type it has no price for, listing the known ones', () => {
    expect(() => ec2Hourly('m7g.large')).toThrow(UnknownPriceError);
    expect(() => ec2Hourly('m7g.large')).toThrow(/no EC2 price for "m7g.large" .*known: t4g.nano, /);
    expect(() => rdsMonthly({ instanceClass: 'db.r6g.large', storageGb: 20, multiAz: false })).toThrow('no RDS price for "db.r6g.large"');
  });
});

describe('pricing maths', () => {
  it('prices instances over a 730-hour month', () => {
    expect(round2(ec2Monthly('t3.small'))).toBe(17.52);
    expect(round2(ec2Monthly('t4g.nano'))).toBe(3.5);
    expect(round2(ebsMonthly(30))).toBe(2.86);
    expect(round2(ebsMonthly(10, 'gp2'))).toBe(1.19);
    expect(round2(publicIpv4Monthly())).toBe(3.65);
  });

  it('prices Fargate by vCPU and GB, and Spot below on-demand', () => {
    const task = { cpu: 512, memory: 1024 };
    expect(fargateHourly(task)).toBeCloseTo(0.5 * 0.04656 + 1 * 0.00511, 8);
    expect(round2(fargateMonthly(task))).toBe(20.72);
    expect(fargateHourly(task, true)).toBeLessThan(fargateHourly(task) * 0.4);
    expect(fargateMonthly(task, 2, 1)).toBeCloseTo(fargateMonthly(task) + fargateHourly(task, true) * 730, 8);
  });

  it('splits tasks over capacity providers by base, then weight', () => {
    expect(spotTaskCount(1, [])).toBe(0);
    expect(spotTaskCount(1, [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }])).toBe(1);
    expect(spotTaskCount(2, [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }])).toBe(1);
    expect(spotTaskCount(4, [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 2 }])).toBe(2);
    expect(spotTaskCount(3, [{ capacityProvider: 'FARGATE', weight: 1 }])).toBe(0);
  });

  it('doubles RDS instance and storage for Multi-AZ', () => {
    const single = rdsMonthly({ instanceClass: 'db.t4g.small', storageGb: 50, multiAz: false });
    const multi = rdsMonthly({ instanceClass: 'db.t4g.small', storageGb: 50, multiAz: true });
    expect(round2(single.storage)).toBe(6.85);
    expect(multi.instance).toBeCloseTo(2 * single.instance, 8);
    expect(multi.storage).toBeCloseTo(2 * single.storage, 8);
  });

  it('prices the network pieces', () => {
    expect(round2(albMonthly(1).fixed)).toBe(19.71);
    expect(round2(albMonthly(1).usage)).toBe(5.84);
    expect(round2(natGatewayMonthly(10).fixed)).toBe(37.96);
    expect(round2(natGatewayMonthly(10).usage)).toBe(0.52);
    expect(round2(interfaceEndpointMonthly(2, 0).fixed)).toBe(17.52);
  });

  it('prices serverless usage', () => {
    // 1M calls x 1 s x 1 GB = 1M GB-s -> $16.67 + $0.20 requests.
    expect(round2(lambdaMonthly(1_000_000, 1000, 1024))).toBe(16.87);
    expect(lambdaMonthly(1_000_000, 1000, 1024, true)).toBeLessThan(lambdaMonthly(1_000_000, 1000, 1024));
    expect(round2(sfnMonthly(1_000_000))).toBe(25);
    expect(round2(wafMonthly(4, 2).fixed)).toBe(9);
    expect(round2(wafMonthly(4, 2).usage)).toBe(1.2);
  });

  it('prices storage', () => {
    const logs = logsMonthly(10, 30);
    expect(round2(logs.ingest)).toBe(6.3);
    expect(logs.storedGb).toBeCloseTo(10 * 1 * 0.15, 8);
    expect(logsMonthly(10, undefined).storedGb).toBeCloseTo(10 * 12 * 0.15, 8);
    expect(round2(s3Monthly(100, 1000, 1000).storage)).toBe(2.45);
    const ddb = dynamoMonthly(1, 1_000_000, 1_000_000, true);
    expect(round2(ddb.storage)).toBe(round2(0.306 + 0.2448));
    expect(round2(ddb.requests)).toBe(round2(0.7625 + 0.1525));
  });

  it('measures relative differences', () => {
    expect(relativeDifference(12, 10)).toBeCloseTo(0.2, 8);
    expect(relativeDifference(8, 10)).toBeCloseTo(-0.2, 8);
  });
});
