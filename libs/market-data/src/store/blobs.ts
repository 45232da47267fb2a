/**
 * The little the candle store needs from storage, so the same store code runs on S3 and on a
 * local folder. Keys are `/`-separated relative paths. `put` must be atomic for readers: a reader
 * sees the old bytes or the new bytes, never a partial file.
 */
export interface Blobs {
  /** The object's bytes, or undefined if it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Replaces the object atomically. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Every key under `prefix` (a folder path ending in `/`, or '' for all), in no particular order. */
  list(prefix: string): Promise<string[]>;
  /** Where the blobs live, for error messages (e.g. `s3://bucket/prefix/` or a folder path). */
  readonly location: string;
}
