// Output files appear whole or not at all: each is written to a temporary sibling and renamed into place
// once every file of the set is complete.
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/**
 * Checked before any work: an output path must be a file that can be written, not an existing directory or
 * device, under a folder that exists or can be made. (Finding out after an hour of training is too late.)
 */
export function checkOutputPath(path: string, option = '--out'): void {
  if (existsSync(path)) {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UsageError(`${option} ${path}: is a directory; give a file name`);
    if (!stat.isFile()) throw new UsageError(`${option} ${path}: is not a regular file`);
  }
  let dir = dirname(resolve(path));
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${option} ${path}: ${dir} is a file, not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${path}: ${dir} is not writable`);
  }
}

/** Checked before any work: a folder (made when missing, not a file) whose `file` (index.html, model.json) can be written. */
export function checkOutputDir(dir: string, option: string, file: string): string {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${option} ${dir}: is a file; give a folder`);
  checkOutputPath(join(dir, file), option);
  return dir;
}

export function writeFilesAtomically(files: Array<{ path: string; text: string | Uint8Array }>): void {
  const staged: Array<{ temporary: string; path: string }> = [];
  try {
    for (const { path, text } of files) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
      writeFileSync(temporary, text);
      staged.push({ temporary, path });
    }
    for (const { temporary, path } of staged) renameSync(temporary, path);
  } catch (error) {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
    throw error;
  }
}
