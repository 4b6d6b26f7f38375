// What a job's file options hold, as one sha256 each: the orchestrator puts it in the job's identity when it
// plans the sweep, and the worker checks the file it reads still has it. A folder (an instance directory) is
// fingerprinted by the names and contents of its regular files, sorted; nothing below it is read.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function fingerprintPath(path: string): string {
  const hash = createHash('sha256');
  if (statSync(path).isDirectory()) {
    hash.update('folder\n');
    for (const name of readdirSync(path).sort()) {
      const file = join(path, name);
      if (!statSync(file).isFile()) continue;
      hash.update(`${name}\0${createHash('sha256').update(readFileSync(file)).digest('hex')}\n`);
    }
  } else {
    hash.update('file\n').update(readFileSync(path));
  }
  return hash.digest('hex');
}
