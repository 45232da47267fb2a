/** The strategy image's command: the task entrypoint (MODE=backtest) for rsi-mean-reversion. */
import { main } from '@tradai/strategy-sdk';
import { rsiMeanReversion } from './strategy.js';

process.exitCode = await main(rsiMeanReversion);
