// Output files appear whole or not at all: each is written to a temporary sibling and renamed into place
// once every file of the set is complete.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFilesAtomically(files: Array<{ path: string; text: string }>): void {
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
