/** The strategy image's command: the task entrypoint (MODE=backtest) for ma-crossover. */
import { main } from '@tradai/strategy-sdk';
import { maCrossover } from './strategy.js';

process.exitCode = await main(maCrossover);
