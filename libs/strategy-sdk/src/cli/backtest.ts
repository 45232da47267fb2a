/**
 * Local backtest from the command line (see `USAGE` in ./args.ts):
 *   npx tsx libs/strategy-sdk/src/cli/backtest.ts --strategy=ma-crossover --symbols=BTC/USDT --start=2024-01-01 --end=2024-06-30 --html=report.html
 */
import { backtestCli } from './run.js';

process.exitCode = await backtestCli(process.argv.slice(2));
