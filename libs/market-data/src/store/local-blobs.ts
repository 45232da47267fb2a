import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Blobs } from './blobs.js';

/** The file operations localBlobs uses; tests swap one to simulate a crash between steps. */
export interface LocalFs {
  writeFile(file: string, bytes: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

const nodeFs: LocalFs = {
  writeFile: (file, bytes) => fsp.writeFile(file, bytes),
  rename: (from, to) => fsp.rename(from, to),
};

/** Temp files start with a dot and end in `.tmp`: `list` skips them and no partition key matches them. */
const TEMP = /(^|\/)\.[^/]*\.tmp$/;

/**
 * Blobs in a local folder. `put` writes a temp file in the target's own folder then renames it
 * over the target: rename is atomic within one file system, so a reader never opens a half-written
 * file, and a crash leaves at most a stray temp file that readers ignore.
 */
export function localBlobs(rootDir: string, fs: LocalFs = nodeFs): Blobs {
  const root = path.resolve(rootDir);
  const fileOf = (key: string) => {
    const file = path.resolve(root, key);
    if (!file.startsWith(root + path.sep)) throw new Error(`blob key "${key}" escapes ${root}`);
    return file;
  };
  return {
    location: root,
    async get(key) {
      try {
        return await fsp.readFile(fileOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async put(key, bytes) {
      const file = fileOf(key);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await fs.writeFile(temp, bytes);
        await fs.rename(temp, file);
      } catch (err) {
        await fsp.rm(temp, { force: true });
        throw err;
      }
    },
    async list(prefix) {
      const dir = prefix ? fileOf(prefix) : root;
      let entries;
      try {
        entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
        throw err;
      }
      return entries
        .filter((e) => e.isFile())
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .filter((key) => !TEMP.test(key));
    },
  };
}
