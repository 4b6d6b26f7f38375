// Module hooks (node:module register) that append every resolved module URL to $MOLLIFIER_LOADED_LOG: a test
// runs a command under them to see which modules its process loaded.
import { appendFileSync } from 'node:fs';

type Resolve = (specifier: string, context: object) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: object, next: Resolve): Promise<{ url: string }> {
  const result = await next(specifier, context);
  const log = process.env.MOLLIFIER_LOADED_LOG;
  if (log) appendFileSync(log, `${result.url}\n`);
  return result;
}
