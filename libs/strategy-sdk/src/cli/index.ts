export { parseBacktestArgs, parseDateFlag, USAGE, type BacktestCliArgs } from './args.js';
export { backtestCli, runBacktestCommand, type BacktestCliOptions, type BacktestCliRun } from './run.js';
export { DEFAULT_WORKSPACE_ROOT, loadStrategyModule, type StrategyModule } from './strategies.js';
