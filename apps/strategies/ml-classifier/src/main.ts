/** The strategy image's command: the task entrypoint (MODE=backtest | train) for ml-classifier. */
import { main } from '@tradai/strategy-sdk';
import { mlClassifier } from './strategy.js';

process.exitCode = await main(mlClassifier);
