import type { FakeMlflowState } from '@tradai/domain/testing';

/**
 * Puts the fake registry back to `initial` (deep-copied, so a test changing a run's metrics does
 * not change the next test's start), with no training runs, experiments, outage or requests.
 */
export function resetMlflow(state: FakeMlflowState, initial: Pick<FakeMlflowState, 'models' | 'aliases' | 'runs'>): void {
  const copy = structuredClone(initial);
  state.models = copy.models;
  state.aliases = copy.aliases;
  state.runs = copy.runs;
  delete state.runInfo;
  delete state.experiments;
  delete state.failWith;
  state.requests.length = 0;
}
