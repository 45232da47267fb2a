/**
 * The strategies this image can trade, imported statically so esbuild bundles them into main.mjs:
 * the image carries no strategy sources to load at run time (eslint.config.js allows exactly these
 * imports here). strategies.test.ts fails when a strategy under apps/strategies is missing.
 */
import type { Strategy } from '@tradai/strategy-sdk';
import { strategyCatalog } from '@tradai/trading-engine';
import { maCrossover } from '../../../strategies/ma-crossover/src/strategy.js';
import { mlClassifier } from '../../../strategies/ml-classifier/src/strategy.js';
import { rsiMeanReversion } from '../../../strategies/rsi-mean-reversion/src/strategy.js';

export const STRATEGIES: readonly Strategy[] = [maCrossover, mlClassifier, rsiMeanReversion] as readonly Strategy[];

/** BotIo `strategy`: the catalog lookup (unknown name -> NotFoundError listing these). */
export const lookupStrategy = strategyCatalog(STRATEGIES);
