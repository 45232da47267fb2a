import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnvironment, type Environment } from '@tradai/infra-shared';
import { PlanGraph, PlanMissingError, evaluatePolicy, formatPolicyReport, loadEnvPlans } from '@tradai/policy';
import { compareEnvironments, costReport, formatCostReport, formatEnvironmentDiff } from '@tradai/cost';

/** What a report command did: its exit code and what it printed. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON report written, if any. */
  readonly file?: string;
}

/** `dist/synth/<env>/<name>.json`. */
export const reportFile = (root: string, env: string, name: 'policy' | 'cost') => join(root, 'dist', 'synth', env, `${name}.json`);

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Errors a user can act on (a missing plan, an unknown environment) become exit code 2 with the message. */
function guarded(name: string, run: () => CommandResult): CommandResult {
  try {
    return run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { exitCode: err instanceof PlanMissingError || /environment|plan/i.test(message) ? 2 : 1, stdout: '', stderr: `${name}: ${message}` };
  }
}

const graphOf = (root: string, env: Environment) => PlanGraph.fromPlans(env, loadEnvPlans(root, env));

/**
 * The policy check of one environment: writes dist/synth/<env>/policy.json and exits 1 when any
 * unsuppressed violation remains, 2 when a plan is missing.
 */
export function runPolicy(root: string, envName: string): CommandResult {
  return guarded(`policy (${envName})`, () => {
    const env = parseEnvironment(envName);
    const report = evaluatePolicy(graphOf(root, env));
    const file = reportFile(root, env, 'policy');
    writeJson(file, report);
    const failed = report.violations.length > 0;
    return {
      exitCode: failed ? 1 : 0,
      stdout: `${formatPolicyReport(report)}\n\n  report: ${file}`,
      stderr: failed ? `policy (${env}): ${report.violations.length} violation(s); fix them or add a suppression with a reason in libs/policy/src/suppressions.ts` : '',
      file,
    };
  });
}

/** The monthly cost estimate of one environment: writes dist/synth/<env>/cost.json. */
export function runCost(root: string, envName: string): CommandResult {
  return guarded(`cost (${envName})`, () => {
    const env = parseEnvironment(envName);
    const report = costReport(graphOf(root, env));
    const file = reportFile(root, env, 'cost');
    writeJson(file, report);
    return { exitCode: 0, stdout: `${formatCostReport(report)}\n\n  report: ${file}`, stderr: '', file };
  });
}

/** The difference between two environments' estimates (both sets of plans must exist). */
export function runCostCompare(root: string, from: string, to: string): CommandResult {
  return guarded(`cost compare (${from} vs ${to})`, () => {
    const a = costReport(graphOf(root, parseEnvironment(from)));
    const b = costReport(graphOf(root, parseEnvironment(to)));
    const modes = [a, b].map((r) => {
      const c = r.comparisons.consolidation;
      return `  ${r.environment}: ${c.mode}; the four core services cost ${c.mode === 'consolidated-ec2' ? `$${c.host.monthly.toFixed(2)} on the host` : `$${(c.inPlan?.monthly ?? c.fargateOnDemand.monthly).toFixed(2)} on Fargate`} (on-demand Fargate $${c.fargateOnDemand.monthly.toFixed(2)}, host $${c.host.monthly.toFixed(2)})`;
    });
    return { exitCode: 0, stdout: [formatEnvironmentDiff(compareEnvironments(a, b)), '', 'Consolidated mode:', ...modes].join('\n'), stderr: '' };
  });
}
