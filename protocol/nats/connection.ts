// Connecting to NATS: servers, auth (user/password, token, credentials file) and TLS passed through; reconnect
// with backoff forever once connected; the first connection fails within `timeoutMs` with one clear line.
import { InputError } from '../errors.js';
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { inboxPrefixOf } from './roles.js';

export interface NatsSettings {
  /** nats://host:port, comma-separated for a cluster. */
  servers: string;
  user?: string;
  pass?: string;
  token?: string;
  /** A .creds file (JWT + NKey seed). */
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Client name shown by the server (monitoring). */
  name?: string;
  /** Give up on the first connection after this long (default 10 s). */
  timeoutMs?: number;
}

export class TransportError extends InputError {
  override name = 'TransportError';
}

export function connectionOptions(settings: NatsSettings): NodeConnectionOptions {
  const servers = settings.servers.split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) throw new TransportError('--nats needs a server URL such as nats://127.0.0.1:4222');
  const options: NodeConnectionOptions = {
    servers,
    name: settings.name ?? 'mollifier',
    timeout: settings.timeoutMs ?? 10_000,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 500,
    pingInterval: 10_000,
  };
  if (settings.user !== undefined) {
    options.user = settings.user;
    options.pass = settings.pass ?? '';
    // Replies under the user's own prefix: on a server with roles (nats-config) no one else may read them.
    options.inboxPrefix = inboxPrefixOf(settings.user);
  }
  if (settings.token !== undefined) options.token = settings.token;
  if (settings.credsFile !== undefined) {
    let creds: Uint8Array;
    try {
      creds = readFileSync(settings.credsFile);
    } catch (error) {
      throw new TransportError(`--nats-creds ${settings.credsFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    options.authenticator = credsAuthenticator(creds);
  }
  if (settings.tls) options.tls = { ...settings.tls };
  return options;
}

export async function connectNats(settings: NatsSettings): Promise<NatsConnection> {
  const options = connectionOptions(settings);
  const timeoutMs = options.timeout ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    // The client's own timeout covers one attempt; this bounds the whole first connection.
    return await Promise.race([
      connect(options),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    const reason = (error as Error).message || String(error);
    // Never the password: a URL with user:pass@ is cut before it reaches here, and the reason is cut again.
    const safe = (text: string) => text.replace(/\/\/[^/@\s,]*@/g, '//').split(settings.pass || '\u0000').join('***');
    throw new TransportError(`cannot connect to NATS at ${safe(settings.servers)}: ${safe(reason)}`);
  } finally {
    clearTimeout(timer);
  }
}
