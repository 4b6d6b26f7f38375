// A job's ticket: an HMAC of (sweep, run, job, generation) under the store's secret. It goes out in the job
// message and must come back in the result, so a result for a job that no worker was handed is refused, and
// nothing needs storing per job: the store's secret makes every ticket again.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function ticketOf(secret: string, sweep: string, run: string, job: string, generation: number): string {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(`${sweep}\n${run}\n${job}\n${generation}`).digest('hex').slice(0, 32);
}

export function ticketMatches(expected: string, given: string): boolean {
  return expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}
