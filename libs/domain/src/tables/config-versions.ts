import { ConflictError } from '../errors.js';
import type { ConfigVersionItem } from './items.js';
import { Table } from './table.js';

/** config_versions: monotonic versions per strategy, appended with conditional puts. */
export class ConfigVersionRepo {
  constructor(readonly table: Table<ConfigVersionItem>) {}

  latest(strategy: string): Promise<ConfigVersionItem | undefined> {
    return this.table.latest(strategy);
  }

  get(strategy: string, version: number): Promise<ConfigVersionItem | undefined> {
    return this.table.get({ strategy, version });
  }

  /**
   * Appends version latest+1. The put is conditional on that version not existing, so two
   * concurrent writers get distinct versions (the loser retries with the next number).
   */
  async append(item: Omit<ConfigVersionItem, 'version'>): Promise<ConfigVersionItem> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const latest = await this.latest(item.strategy);
      const next: ConfigVersionItem = { ...item, version: (latest?.version ?? 0) + 1 };
      if (await this.table.putIfAbsent(next)) return next;
    }
    throw new ConflictError(`config_versions ${item.strategy}: could not append after 5 concurrent attempts`);
  }
}
