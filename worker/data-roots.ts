// Which files a job may read on a worker host. A job is data from the bus, so its file options (param-field,
// data, phi-n, phi-d, truth) are confined to the folders the worker's operator allows (`worker --data-root DIR`, by
// default the worker's working folder); symlinks are resolved first, so a link cannot lead out. A failure
// reason never carries what a file holds: reading errors are reported by option and path only, their details
// stay in the worker's own log.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fingerprintPath, jobFileOptions, type JobOptions } from '../protocol/index.js';

/** The job's file options that are set, as [option, path]. */
export function jobFiles(options: JobOptions): Array<[string, string]> {
  if (options.kind !== 'train') return [];
  return jobFileOptions.flatMap((name) => (typeof options[name] === 'string' ? [[name, options[name]] as [string, string]] : []));
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Resolved roots (realpath), for the check below; a root that does not exist is an error for the operator. */
export function resolveDataRoots(roots: readonly string[]): string[] {
  return roots.map((root) => {
    try {
      return realpathSync(resolve(root));
    } catch {
      throw new Error(`--data-root ${root}: no such folder`);
    }
  });
}

/**
 * Why the job may not run here (its first file option outside every root, or missing), or null. Relative
 * paths are taken from the worker's working folder, as the job would read them.
 */
export function refusedFile(options: JobOptions, roots: readonly string[]): string | null {
  for (const [name, path] of jobFiles(options)) {
    let real: string;
    try {
      real = realpathSync(resolve(path));
    } catch {
      return `${name} ${path}: no such file or folder on this worker`;
    }
    if (!roots.some((root) => inside(real, root))) return `${name} ${path}: outside the folders this worker may read (worker --data-root)`;
  }
  return null;
}

/**
 * Why the job must not run here: a file whose contents are not the ones the sweep was planned with (its id
 * covers them: protocol/fingerprint.ts), or null. Only digests are named, never contents.
 */
export function changedInput(options: JobOptions, inputs: Readonly<Record<string, string>> | undefined): string | null {
  if (!inputs) return null;
  for (const [name, path] of jobFiles(options)) {
    const planned = inputs[name];
    if (planned === undefined) continue;
    const here = fingerprintPath(resolve(path));
    if (here !== planned) return `${name} ${path}: its contents differ from those the sweep was planned with (sha256 ${here.slice(0, 12)}… here, ${planned.slice(0, 12)}… planned); run the sweep again to plan it with the new file`;
  }
  return null;
}

/** The reason to publish for an error while reading the job's files: option and path, no contents. */
export function publicReadError(options: JobOptions, message: string): string | null {
  const files = jobFiles(options);
  const named = files.find(([, path]) => message.includes(path));
  if (!named) return null;
  return `${named[0]} ${named[1]}: could not be read as the job expects (the worker's log has the details)`;
}
