// What may be opened as a results store, checked before SQLite touches it: a regular SQLite file of this
// program's schema, or a path where one can be created. Everything else is one clear line (StoreError), never
// a stack trace, a hang on a special file, or tables written into somebody else's database.
import { InputError } from '../protocol/errors.js';
import { accessSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class StoreError extends InputError {
  override name = 'StoreError';
}

const sqliteHeader = 'SQLite format 3\0';

/** Throws StoreError unless `path` is a store file, or (when `create`) a new file can be made there. */
export function checkStorePath(path: string, create: boolean): void {
  const where = `--store ${path}`;
  if (existsSync(path)) {
    const stat = lstatSync(path);
    if (stat.isDirectory()) throw new StoreError(`${where}: is a directory, not a store file`);
    if (!stat.isFile()) throw new StoreError(`${where}: is not a regular file (a device, pipe or link); a store is a SQLite file`);
    if (stat.size === 0) return;
    const header = Buffer.alloc(16);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, header, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    if (header.toString('latin1') !== sqliteHeader) throw new StoreError(`${where}: is not a SQLite database`);
    return;
  }
  if (!create) throw new StoreError(`${where}: no such file`);
  const parent = dirname(resolve(path));
  // procfs, sysfs and devfs hold no files of ours: SQLite would hang or fail oddly there.
  if (/^\/(proc|sys|dev)(\/|$)/.test(parent)) throw new StoreError(`${where}: ${parent} is a kernel file system, not a place for a store`);
  try {
    makeDirectories(parent);
    if (!statSync(parent).isDirectory()) throw new Error('not a directory');
    accessSync(parent, constants.W_OK);
  } catch (error) {
    throw new StoreError(`${where}: cannot create it in ${parent} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdirSync loops for ever when a level cannot be made and
 * reports ENOENT (measured under /proc), so each level is made on its own and its error is final.
 */
function makeDirectories(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectories(parent);
  mkdirSync(dir);
}
