// What each role may publish and subscribe to on a server that enforces roles (`mollifier nats-config`):
// the orchestrator enqueues, cancels, manages the streams and reads results; a worker pulls jobs and
// publishes results, progress and heartbeats, and nothing else. Every subject here is one the code uses;
// a test runs the real commands under these permissions (test/nats-roles.test.ts).
import { leaseBucket, streams, workerConsumer } from '../subjects.js';

export interface RolePermissions {
  publish: string[];
  subscribe: string[];
}

/** Each connection subscribes to replies under its own prefix, so no user can read another's replies. */
export function inboxPrefixOf(user: string): string {
  return `_INBOX_${user.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

const api = '$JS.API';
const kvStream = `KV_${leaseBucket}`;

export function orchestratorPermissions(user: string): RolePermissions {
  const own = [streams.jobs, streams.results, streams.giveUps];
  return {
    publish: [
      'mollifier.jobs.>',
      'mollifier.cancel.*',
      `${api}.INFO`,
      ...own.flatMap((s) => [`${api}.STREAM.CREATE.${s}`, `${api}.STREAM.INFO.${s}`]),
      `${api}.STREAM.PURGE.${streams.jobs}`,
      `${api}.STREAM.MSG.GET.${streams.jobs}`,
      `${api}.DIRECT.GET.${streams.jobs}`,
      `${api}.STREAM.MSG.DELETE.${streams.jobs}`,
      ...own.flatMap((s) => [`${api}.CONSUMER.CREATE.${s}`, `${api}.CONSUMER.CREATE.${s}.>`, `${api}.CONSUMER.DURABLE.CREATE.${s}.*`, `${api}.CONSUMER.INFO.${s}.*`]),
      ...[streams.results, streams.giveUps].map((s) => `${api}.CONSUMER.MSG.NEXT.${s}.*`),
      `${api}.CONSUMER.LIST.${streams.results}`,
      `${api}.CONSUMER.NAMES.${streams.results}`,
      `${api}.CONSUMER.DELETE.${streams.results}.*`,
      `$JS.ACK.${streams.results}.>`,
      `$JS.ACK.${streams.giveUps}.>`,
      // The sweep leases (protocol/nats/sweep-lease.ts).
      `$KV.${leaseBucket}.>`,
      `${api}.STREAM.CREATE.${kvStream}`,
      `${api}.STREAM.INFO.${kvStream}`,
      `${api}.STREAM.MSG.GET.${kvStream}`,
      `${api}.DIRECT.GET.${kvStream}.>`,
    ],
    subscribe: [`${inboxPrefixOf(user)}.>`, 'mollifier.progress.*.*', 'mollifier.heartbeat.>', 'mollifier.cancel.*'],
  };
}

/**
 * A worker; with `host`, bound to that host: it may publish results and heartbeats only under its host's
 * subject token, so an orchestrator can tell which credentials a result came with (orchestrator-transport.ts).
 */
export function workerPermissions(user: string, host?: string): RolePermissions {
  const hostToken = host === undefined ? '*' : host;
  return {
    publish: [
      `mollifier.results.*.*.${hostToken}`,
      `mollifier.progress.*.${hostToken}`,
      `mollifier.heartbeat.${hostToken}.*`,
      `${api}.INFO`,
      ...[streams.jobs, streams.results, streams.giveUps].map((s) => `${api}.STREAM.INFO.${s}`),
      `${api}.CONSUMER.INFO.${streams.jobs}.${workerConsumer}`,
      `${api}.CONSUMER.MSG.NEXT.${streams.jobs}.${workerConsumer}`,
      `$JS.ACK.${streams.jobs}.${workerConsumer}.>`,
    ],
    subscribe: [`${inboxPrefixOf(user)}.>`, 'mollifier.cancel.*'],
  };
}
