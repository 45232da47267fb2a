import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, EnvError, ValidationError } from '@tradai/domain';
import { createCandleStore, createCcxtSource, localBlobs, s3Blobs, type CandleSource, type CandleStore } from '@tradai/market-data';
import { createTokenVerifier, runService, type RunningService, type ServiceApp } from '@tradai/service-runtime';
import { buildApp } from './app.js';
import { DATA_ENV, type DataCollectionConfig, type StoreLocation } from './config.js';
import { marketDataSync } from './market-sync.js';
import { createSyncJobs } from './sync.js';

/**
 * The candle store at `location`: a local folder, or the arcticdb bucket (at its root, where the
 * strategy task reads). The S3 client comes from the environment (region, AWS_ENDPOINT_URL locally).
 */
export function openStore(location: StoreLocation, s3: () => S3Client = () => createS3Client()): CandleStore {
  return createCandleStore({ blobs: location.kind === 'local' ? localBlobs(location.dir) : s3Blobs({ s3: s3(), bucket: location.bucket }) });
}

/** The ccxt source (pointed at `exchangeUrl` when given); an unknown exchange id throws ValidationError. */
export function openSource(exchange: string, exchangeUrl: string | undefined, now?: () => number): CandleSource {
  return createCcxtSource({ exchange, ...(exchangeUrl ? { apiOrigin: exchangeUrl } : {}), ...(now ? { now } : {}) });
}

/** {@link openSource} at start-up: an unknown exchange is a configuration error naming EXCHANGE_ID. */
export function openConfiguredSource(config: Pick<DataCollectionConfig, 'exchange' | 'exchangeUrl'>): CandleSource {
  try {
    return openSource(config.exchange, config.exchangeUrl);
  } catch (err) {
    if (err instanceof ValidationError) throw new EnvError(`${DATA_ENV.exchange}: ${err.message}`, [DATA_ENV.exchange]);
    throw err;
  }
}

export interface StartOptions {
  /** Already opened by the caller (main.ts opens it inside its config check). */
  readonly source?: CandleSource;
  readonly now?: () => number;
  readonly logStream?: { write(line: string): void };
}

/**
 * Wires the real store, exchange, sync and token verifier (config.auth: the user pool, or a local
 * issuer) into the app and listens (main.ts; the end-to-end test).
 */
export async function startDataCollection(config: DataCollectionConfig, opts: StartOptions = {}): Promise<{ app: ServiceApp; running: RunningService }> {
  const store = openStore(config.store);
  const source = opts.source ?? openSource(config.exchange, config.exchangeUrl, opts.now);
  const jobs = createSyncJobs(marketDataSync({ store, source, since: config.syncSince, ...(opts.now ? { now: opts.now } : {}) }));
  const verify = createTokenVerifier(config.auth);
  const app = await buildApp({ config, store, jobs, verify, ...(opts.now ? { now: opts.now } : {}), ...(opts.logStream ? { logStream: opts.logStream } : {}) });
  app.addHook('onClose', async () => source.close?.());
  const running = await runService(app, config.service);
  app.log.info({ url: running.url, exchange: config.exchange, store: config.store, symbols: config.symbols, timeframes: config.timeframes }, 'data-collection listening');
  return { app, running };
}
