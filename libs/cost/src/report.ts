import { LAYERS } from '@tradai/infra-shared';
import { formatTable, shortType } from '@tradai/policy';
import type { ConsolidationComparison, EndpointComparison, EnvironmentDiff, NatComparison, SeedCheck } from './compare.js';
import type { CostReport } from './estimate.js';
import { PRICE_REGION, PRICES_AS_OF } from './prices.js';

/** A cost report with the computed comparisons, as written to cost.json. */
export interface CostReportWithComparisons extends CostReport {
  readonly comparisons: { readonly nat?: NatComparison; readonly endpoints?: EndpointComparison; readonly consolidation: ConsolidationComparison };
  readonly seedCheck: readonly SeedCheck[];
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const pct = (n: number) => `${n >= 0 ? '+' : ''}${Math.round(n * 100)} %`;
const fmt = (n: number) => n.toLocaleString('en-US');

/** The assumptions, one per line, as the report prints them. */
export function formatAssumptions(report: CostReport): string[] {
  const a = report.assumptions;
  return [
    `API requests/month ${fmt(a.apiRequestsPerMonth)}; backtests/month ${fmt(a.backtestsPerMonth)} x ${a.backtestTaskMinutes} min strategy task; retraining runs ${a.retrainingsPerMonth} (${a.trainingsPerMonth} train x ${a.trainingTaskMinutes} min)`,
    `Lambda average ${a.lambdaAvgMs} ms; on-demand invocations ${a.onDemandInvocationsPerMonth}/month; alerts ${a.alertsPerMonth}/month; registrations ${a.registrationsPerMonth}/month; scheduled functions from their schedule expressions`,
    `S3 GB by bucket ${Object.entries(a.s3GbByBucket).map(([k, v]) => `${k} ${v}`).join(', ')}; ${fmt(a.s3PutsPerBucket)} PUT + ${fmt(a.s3GetsPerBucket)} GET per bucket`,
    `DynamoDB ${a.dynamoGbPerTable} GB, ${fmt(a.dynamoWritesPerTable)} writes, ${fmt(a.dynamoReadsPerTable)} reads per table; ${a.tradingBots} trading bots heartbeating every minute`,
    `ECR ${a.ecrGbPerRepository} GB per repository; logs GB/month: ${a.logsGb.lambdaPerFunction} per Lambda, ${a.logsGb.flowLogs} flow logs, ${a.logsGb.ecsPerGroup} per ECS group, ${a.logsGb.other} other`,
    `ALB ${a.albLcu} LCU average; interface endpoints ${a.endpointGb} GB; NAT egress ${a.natGb} GB; Cognito ${a.cognitoMau} MAU, ${fmt(a.m2mTokensPerMonth)} M2M tokens`,
    'Not modelled: data transfer out, X-Ray traces, custom metrics the functions publish, free tiers (none applied).',
  ];
}

/** The printed cost report: totals, per layer, fixed and usage-based lines, assumptions, comparisons, seed check. */
export function formatCostReport(report: CostReportWithComparisons): string {
  const out: string[] = [
    `Monthly cost estimate, ${report.environment} (${PRICE_REGION}, USD, on-demand list prices as of ${PRICES_AS_OF}): ` +
      `${usd(report.monthlyTotal)} = ${usd(report.fixedTotal)} fixed + ${usd(report.usageTotal)} usage-based`,
    '',
    'BY LAYER',
    formatTable(
      ['layer', 'fixed', 'usage', 'monthly'],
      [...LAYERS.map((l) => [l, usd(report.byLayer[l].fixed), usd(report.byLayer[l].usage), usd(report.byLayer[l].monthly)]), ['total', usd(report.fixedTotal), usd(report.usageTotal), usd(report.monthlyTotal)]],
      { alignRight: [1, 2, 3] },
    ),
  ];
  const fixed = report.resources.filter((l) => l.fixed > 0);
  out.push('', 'FIXED COSTS (always on, whatever the traffic)', formatTable(['layer', 'resource', 'fixed', 'basis'], fixed.map((l) => [l.layer, `${shortType(l.type)} ${l.name}`, usd(l.fixed), l.basis]), { alignRight: [2] }));
  const usage = report.resources.filter((l) => l.usage > 0 || (l.fixed === 0 && l.usage === 0));
  out.push('', 'USAGE-BASED COSTS (priced at the assumptions below)', formatTable(['layer', 'resource', 'usage', 'basis'], usage.map((l) => [l.layer, `${shortType(l.type)} ${l.name}`, usd(l.usage), l.basis]), { alignRight: [2] }));
  out.push('', 'ASSUMPTIONS', ...formatAssumptions(report).map((s) => `  ${s}`));

  const noCharge = Object.values(report.noCharge).reduce((s, n) => s + n, 0);
  out.push('', `${noCharge} resources carry no charge of their own (VPC, subnets, routes, security groups, IAM, listeners, routes, policies, ...).`);
  if (report.unpriced.length) out.push(`UNPRICED (${report.unpriced.length}): ${report.unpriced.map((u) => `${shortType(u.type)} ${u.name} (${u.reason})`).join('; ')}`);

  const { nat, endpoints: e, consolidation: c } = report.comparisons;
  out.push('', 'COMPARISONS (computed from the price table and config)');
  if (nat) {
    out.push(`  NAT: instance ${usd(nat.natInstance.monthly)} (${nat.natInstance.names.join(' + ')}) vs ${nat.natGateway.count} NAT Gateway ${usd(nat.natGateway.monthly)} [${nat.natGateway.basis}]: saves ${usd(nat.saving)}/month`);
  }
  if (e) {
    out.push(
      `  Interface endpoints (tradai:interfaceEndpoints): this plan ${e.planned.mode}, ${e.planned.endpoints} endpoint${e.planned.endpoints === 1 ? '' : 's'} ${usd(e.planned.monthly)}; with the same ${report.assumptions.endpointGb} GB/month:`,
      ...e.options.map((o) => `    ${o.mode.padEnd(9)} ${usd(o.monthly)} [${o.basis}]${o.mode === e.cheapest ? ' (cheapest)' : ''}`),
    );
  }
  const hostWord = c.mode === 'consolidated-ec2' ? 'consolidated host' : 'consolidated host (not deployed here)';
  out.push(
    `  Compute mode: ${c.mode}. ${c.services.join(', ')}:`,
    `    ${hostWord} ${usd(c.host.monthly)} [${c.host.basis}]`,
    `    as Fargate tasks ${usd(c.fargateOnDemand.monthly)} on-demand [${c.fargateOnDemand.basis}], ${usd(c.fargateSpot.monthly)} on Spot`,
    ...(c.inPlan ? [`    this plan runs them as ECS services for ${usd(c.inPlan.monthly)} [${c.inPlan.basis}]`] : []),
    `    consolidated mode ${c.mode === 'consolidated-ec2' ? 'saves' : 'would save'} ${usd(c.saving)}/month against on-demand Fargate; ${spotText(round(c.fargateSpot.monthly - c.host.monthly))}`,
    ...(c.refresh
      ? [
          c.refresh.launchBeforeTerminate
            ? `    an instance refresh keeps the old host until the new one is healthy: two hosts for at most ${Math.round(c.refresh.overlapMinutesMax)} min, $${c.refresh.costMax.toFixed(4)} per refresh`
            : '    an instance refresh terminates the host before its replacement is healthy: the four services are down while it boots',
        ]
      : []),
  );
  out.push(
    '',
    `SEED FIGURES (agreement within ${Math.round(0.2 * 100)} %)`,
    formatTable(
      ['figure', 'seed', 'ours', 'diff', 'ok', 'explanation'],
      report.seedCheck.map((s) => [s.figure, usd(s.seed), usd(s.ours), pct(s.difference), s.withinTolerance ? 'yes' : 'NO', s.explanation]),
      { alignRight: [1, 2, 3] },
    ),
  );
  return out.join('\n');
}

const round = (n: number) => Math.round(n * 100) / 100;
const spotText = (d: number) => (d >= 0 ? `all on Spot it would still save ${usd(d)}` : `all on Spot, Fargate would cost ${usd(-d)} less than the host (at the price of interruptions)`);

/** The printed difference between two environments. */
export function formatEnvironmentDiff(diff: EnvironmentDiff, top = 10): string {
  const sign = (n: number) => `${n >= 0 ? '+' : '-'}${usd(Math.abs(n))}`;
  return [
    `${diff.from} ${usd(diff.total.from)} -> ${diff.to} ${usd(diff.total.to)} per month (${sign(diff.total.delta)})`,
    '',
    formatTable(['layer', diff.from, diff.to, 'delta'], LAYERS.map((l) => [l, usd(diff.byLayer[l].from), usd(diff.byLayer[l].to), sign(diff.byLayer[l].delta)]), { alignRight: [1, 2, 3] }),
    '',
    `Largest differences by resource kind (top ${top}):`,
    formatTable(['kind', diff.from, diff.to, 'delta'], diff.drivers.slice(0, top).map((d) => [shortType(d.type), usd(d.from), usd(d.to), sign(d.delta)]), { alignRight: [1, 2, 3] }),
  ].join('\n');
}
