/**
 * Local market-data sync with the service's own sync code:
 *   npm run data -- sync --exchange=binance --symbols=BTC/USDT --timeframe=1h --since=2024-01-01
 * Prints one row per series; exits 1 when any series failed, 2 on a usage error (naming the flag).
 */
import { pathToFileURL } from 'node:url';
import { ValidationError } from '@tradai/domain';
import { CLI_USAGE, parseCliArgs, UsageError } from './cli-args.js';
import { marketDataSync } from './market-sync.js';
import { formatSyncTable } from './table.js';
import { openSource, openStore } from './wiring.js';
import type { SeriesSyncResult } from './sync.js';

function sourceFor(exchange: string, exchangeUrl: string | undefined) {
  try {
    return openSource(exchange, exchangeUrl);
  } catch (err) {
    if (err instanceof ValidationError) throw new UsageError(`--exchange: ${err.message}`);
    throw err;
  }
}

/** Runs the command in `argv`; returns the results (for tests) and the exit code. */
export async function runCli(argv: readonly string[], out: (line: string) => void = console.log): Promise<{ code: number; results: SeriesSyncResult[] }> {
  const cmd = parseCliArgs(argv);
  const store = openStore({ kind: 'local', dir: cmd.store });
  const source = sourceFor(cmd.exchange, cmd.exchangeUrl);
  const abort = new AbortController();
  const stop = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  try {
    const sync = marketDataSync({ store, source, since: cmd.since, ...(cmd.until !== undefined ? { until: cmd.until } : {}) });
    const results = await sync({ symbols: cmd.symbols, timeframes: cmd.timeframes }, abort.signal);
    out(formatSyncTable(results));
    out(`store: ${cmd.store}`);
    return { code: results.some((r) => r.status === 'failed') ? 1 : 0, results };
  } finally {
    process.removeListener('SIGINT', stop);
    await source.close?.();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCli(process.argv.slice(2)).then(
    ({ code }) => process.exit(code),
    (err: Error) => {
      console.error(err instanceof UsageError ? `data: ${err.message}\n${CLI_USAGE}` : `data: ${err.message}`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
