import { NotFoundError, ValidationError, type ConfigVersionItem, type ConfigVersionRepo, type DeploymentItem, type ShadowTestItem, type StrategyConfigFile, type Table } from '@tradai/domain';
import type { BotMode } from './settings.js';

/** Deployment statuses a bot trades: promoted and not rolled back (`registered` is not deployed yet). */
const TRADED: ReadonlySet<string> = new Set(['active', 'verifying', 'verified']);

/**
 * The deployment live trading runs: the newest deployment of the strategy that is traded (active,
 * verifying or verified; a record without status counts as active). A rolled-back deployment is
 * skipped, so after a rollback the restored one (newer) is picked.
 */
export function activeDeployment(history: readonly DeploymentItem[]): DeploymentItem | undefined {
  return [...history].sort((a, b) => b.deployed_at.localeCompare(a.deployed_at)).find((d) => d.status === undefined || TRADED.has(d.status));
}

/**
 * A shadow bot with nothing to shadow: no RUNNING shadow test of its strategy. Not a set-up error:
 * the standing shadow service idles (runBotService) until a test starts.
 */
export class NothingToShadowError extends Error {
  override readonly name = 'NothingToShadowError';
}

/** The shadow test a standing shadow bot runs: the RUNNING one of its strategy started last (`started_at`). */
export function runningShadowTest(running: readonly ShadowTestItem[], strategy: string): ShadowTestItem | undefined {
  return running.filter((t) => t.status === 'RUNNING' && t.strategy === strategy).sort((a, b) => b.started_at.localeCompare(a.started_at))[0];
}

/** Which config version a bot runs, and why. */
export interface ConfigChoice {
  readonly configVersion: number;
  readonly deploymentId?: string;
  readonly shadowTestId?: string;
}

export interface ResolveArgs {
  readonly mode: BotMode;
  readonly strategy: string;
  readonly deployments?: Table<DeploymentItem>;
  readonly shadowTests?: Table<ShadowTestItem>;
  /** Dry-run: this version instead of the active deployment's. */
  readonly configVersion?: number;
  /** Shadow: the test whose candidate runs (default: the strategy's RUNNING test, see runningShadowTest). */
  readonly shadowTestId?: string;
}

/**
 * Live: the active deployment's config version. Shadow: the candidate version of the (running)
 * shadow test given, else of the strategy's RUNNING test (none: NothingToShadowError). Dry-run: the version given, else the active deployment's. Errors say what is missing.
 */
export async function chooseConfigVersion(a: ResolveArgs): Promise<ConfigChoice> {
  if (a.mode === 'shadow') {
    if (!a.shadowTests) throw new ValidationError('a shadow bot needs the shadow_test_state table', 'shadowTests');
    if (!a.shadowTestId) {
      const test = runningShadowTest(await a.shadowTests.query('RUNNING', { index: 'status-index' }), a.strategy);
      if (!test) throw new NothingToShadowError(`no RUNNING shadow test of strategy ${a.strategy} (shadow_test_state status-index) and no SHADOW_TEST_ID: nothing to shadow`);
      if (test.candidate_config_version === undefined) throw new ValidationError(`shadow test ${test.test_id} names no candidate_config_version`, 'shadowTestId');
      return { configVersion: test.candidate_config_version, shadowTestId: test.test_id };
    }
    const test = await a.shadowTests.get({ test_id: a.shadowTestId });
    if (!test) throw new NotFoundError(`shadow test ${a.shadowTestId} does not exist`);
    if (test.strategy !== a.strategy) throw new ValidationError(`shadow test ${a.shadowTestId} is of strategy ${test.strategy}, not ${a.strategy}`, 'shadowTestId');
    if (test.status !== 'RUNNING') throw new ValidationError(`shadow test ${a.shadowTestId} is ${test.status}, not RUNNING: nothing to shadow`, 'shadowTestId');
    if (test.candidate_config_version === undefined) throw new ValidationError(`shadow test ${a.shadowTestId} names no candidate_config_version`, 'shadowTestId');
    return { configVersion: test.candidate_config_version, shadowTestId: a.shadowTestId };
  }
  if (a.mode === 'dry-run' && a.configVersion !== undefined) return { configVersion: a.configVersion };
  if (!a.deployments) throw new ValidationError(`a ${a.mode} bot needs the deployments table to find the active deployment`, 'deployments');
  const d = activeDeployment(await a.deployments.query(a.strategy));
  if (!d) throw new NotFoundError(`strategy ${a.strategy} has no active deployment (deployments table): promote or register and deploy one first`);
  return { configVersion: d.config_version, deploymentId: d.deployment_id };
}

/** The config version record, or NotFoundError naming strategy and version. */
export async function configVersionItem(versions: ConfigVersionRepo, strategy: string, version: number): Promise<ConfigVersionItem> {
  const item = await versions.get(strategy, version);
  if (!item) throw new NotFoundError(`config version ${version} of strategy ${strategy} does not exist (config_versions)`);
  return item;
}

/** Parameters of a config file: each declared parameter's default (what the version pins). */
export function configParameters(config: StrategyConfigFile): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const [name, spec] of Object.entries(config.parameters)) if (spec.default !== undefined) out[name] = spec.default;
  return out;
}
