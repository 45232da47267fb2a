/**
 * data-collection service entry (the image runs the bundle of this file). A bad environment exits 1
 * with one line naming the variable; SIGTERM drains in-flight requests, aborts a running sync, exits.
 */
import { configOrExit } from '@tradai/service-runtime';
import { dataCollectionConfig } from './config.js';
import { openConfiguredSource, startDataCollection } from './wiring.js';

// The exchange is opened inside the check so an unknown EXCHANGE_ID stops the start like a missing variable.
const { config, source } = configOrExit('data-collection', () => {
  const c = dataCollectionConfig();
  return { config: c, source: openConfiguredSource(c) };
});
await startDataCollection(config, { source });
