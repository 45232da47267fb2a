/**
 * The strategy images, run in-process: the container's command is `main(strategy)` of the strategy
 * project its image was built from (apps/strategies/<name>/src/main.ts), given exactly the
 * environment the runner hands the container (task definition + overrides). Its AWS SDK clients
 * reach fauxqs through the process-wide endpoint variables, like any container on the platform's
 * network; MLflow's service-discovery name resolves to the fake MLflow, as DNS would.
 * Candles are written beforehand to the arcticdb bucket with the market-data store.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { ENV } from '@tradai/contracts';
import { createCandleStore, generateCandles, s3Blobs, TIMEFRAME_MS, type Timeframe } from '@tradai/market-data';
import { main } from '@tradai/strategy-sdk';
import type { LocalPlatform } from './local-platform.js';
import { ContainerExit, type StrategyContainer } from './runner.js';

/** The strategy projects the tests run, by image repository (`tradai/strategy-<name>`); literal paths link the project graph. */
// Applications have no import alias; eslint.config.js allows tests/ these strategy modules by path.
export const STRATEGY_IMAGES = {
  'ma-crossover': () => import('../../strategies/ma-crossover/src/strategy.js'),
  'ml-classifier': () => import('../../strategies/ml-classifier/src/strategy.js'),
} as const;

export type StrategyImageName = keyof typeof STRATEGY_IMAGES;

/** Image reference of a strategy pinned by digest, as validate-strategy resolves it. */
export function strategyImage(name: StrategyImageName, digest: string): string {
  return `000000000000.dkr.ecr.us-east-1.amazonaws.com/tradai/strategy-${name}@${digest}`;
}

/** The strategy container: pulls the image's strategy and runs its command; a non-zero exit carries the stderr line. */
export function strategyContainer(platform: LocalPlatform): StrategyContainer {
  return async ({ image, env }) => {
    const name = /\/tradai\/strategy-([a-z0-9_-]+)[@:]/.exec(image)?.[1];
    const load = name ? STRATEGY_IMAGES[name as StrategyImageName] : undefined;
    if (!load) throw new ContainerExit(255, `CannotPullContainerError: ${image} is not a strategy image of this repository`);
    const { default: strategy } = await load();
    const stderr: string[] = [];
    const trackingUri = env[ENV.mlflowTrackingUri] ?? '';
    const code = await main(strategy, {
      env,
      log: () => undefined,
      stderr: (line) => stderr.push(line),
      // Only the container listens for its signals (the test process's own stay untouched).
      signals: new EventEmitter() as unknown as NodeJS.Process,
      fetch: (url, init) => fetch(trackingUri && url.startsWith(trackingUri) ? platform.mlflow.url + url.slice(trackingUri.length) : url, init),
    });
    if (code !== 0) throw new ContainerExit(code, stderr.join(' '));
  };
}

/** The strategy project an image was built from, by its repository name (`.../tradai/strategy-<name>@...`). */
export function imageStrategy(image: string): StrategyImageName | undefined {
  const name = /\/tradai\/strategy-([a-z0-9_-]+)[@:]/.exec(image)?.[1];
  return name && name in STRATEGY_IMAGES ? (name as StrategyImageName) : undefined;
}

export interface ProcessContainerOptions {
  /** Workspace root (the image command is `apps/strategies/<name>/src/main.ts` under it). */
  readonly root: string;
  /** What every container on the platform's network sees: region, credentials, emulator endpoints. */
  readonly networkEnv: Readonly<Record<string, string>>;
  /** Where MLflow's service-discovery name resolves (the fake MLflow), as DNS would. */
  readonly mlflowUrl: string;
  /** Called with each finished container's last stderr line, for the platform's log. */
  readonly onExit?: (image: string, code: number | null, lastLine: string) => void;
}

/**
 * The strategy container as its own process: the image's command (the strategy project's
 * `main.ts`, run by Node with tsx) with exactly the task environment, like ECS runs it. A stopped
 * execution (signal) sends SIGTERM, as ECS's StopTask does; a non-zero exit fails the task with
 * the last stderr line.
 */
export function processContainer(opts: ProcessContainerOptions): StrategyContainer {
  return ({ image, env }, signal) => {
    const name = imageStrategy(image);
    if (!name) throw new ContainerExit(255, `CannotPullContainerError: ${image} is not a strategy image of this repository`);
    return new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(opts.root, 'apps', 'strategies', name, 'src', 'main.ts')], {
        cwd: opts.root,
        env: { PATH: process.env['PATH'] ?? '', ...opts.networkEnv, ...env, [ENV.mlflowTrackingUri]: opts.mlflowUrl },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      const stop = () => child.kill('SIGTERM');
      if (signal?.aborted) stop();
      signal?.addEventListener('abort', stop, { once: true });
      child.once('error', (err) => reject(new ContainerExit(255, `CannotStartContainerError: ${err.message}`)));
      child.once('close', (code, sig) => {
        signal?.removeEventListener('abort', stop);
        const lastLine = stderr.trim().split('\n').at(-1) ?? '';
        opts.onExit?.(image, code, lastLine);
        if (code === 0) resolve();
        else reject(new ContainerExit(code ?? 137, lastLine || `container stopped by ${sig ?? 'signal'}`));
      });
    });
  };
}

/** Writes generated candles for `symbols` to the arcticdb bucket, `count` candles from `start` (aligned down). */
export async function writeCandles(platform: LocalPlatform, symbols: readonly string[], timeframe: Timeframe, start: number, count: number): Promise<void> {
  const store = createCandleStore({ blobs: s3Blobs({ s3: platform.fx.s3, bucket: platform.buckets.arcticdb }) });
  const aligned = Math.floor(start / TIMEFRAME_MS[timeframe]) * TIMEFRAME_MS[timeframe];
  for (const [i, symbol] of symbols.entries()) {
    await store.write({ exchange: 'binance', symbol, timeframe }, generateCandles({ symbol, timeframe, start: aligned, count, seed: 100 + i }));
  }
}
