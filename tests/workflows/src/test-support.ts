import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '@tradai/contracts';
import { createTableInput, localTableName, type Dynalite, type FakeMlflowState } from '@tradai/domain/testing';

/**
 * Empties every platform table by deleting and re-creating it under the same name (dynalite does
 * both at once). The handlers were loaded with these names, so they keep working; what they see
 * is an empty platform, whatever the tests before wrote (records, idempotency keys, history).
 */
export async function resetTables(db: Dynalite): Promise<void> {
  for (const key of TABLE_KEYS) {
    await db.client.send(new DeleteTableCommand({ TableName: localTableName(key) }));
    await db.client.send(new CreateTableCommand(createTableInput(key)));
  }
}

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
