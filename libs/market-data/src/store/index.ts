export type { Blobs } from './blobs.js';
export { localBlobs, type LocalFs } from './local-blobs.js';
export { s3Blobs, type S3BlobsArgs } from './s3-blobs.js';
export { createCandleStore, type CandleStore, type CandleStoreArgs, type Coverage, type WriteResult } from './store.js';
export { PERIOD_OF, encodeSymbol, decodeSymbol, partitionKey, seriesPrefix, periodOf, type Period, type PeriodKind } from './layout.js';
export { mergeCandles, findGaps } from './merge.js';
export { checkCandles } from './validate.js';
