// A report's output folder, checked before any work: a folder (made when missing) whose index.html can be
// written. Apart from report.ts so that `sweep run --report` checks it without loading the charts' libraries.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../usage-error.js';
import { checkOutputPath } from '../output.js';

export function checkReportDir(out: string, flag: '--out' | '--report'): string {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`${flag} ${out}: is a file; give a folder`);
  checkOutputPath(join(out, 'index.html'));
  return out;
}
