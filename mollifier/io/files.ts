// The fs edge of the readers: whole-file text with errors that name the path.
import { readFileSync } from 'node:fs';
import { ProblemError } from '../pdes/types.js';

/** The file's text, or a ProblemError naming the path (`what` says what the file was meant to be). */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProblemError(`${path}: cannot read ${what}${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}`);
  }
}
