// The NATS options every networked command takes: server URL(s), auth and TLS, passed through as given.
import type { Command } from 'commander';
import type { NatsSettings } from '../../protocol/nats/connection.js';
import { UsageError } from '../usage-error.js';

export interface NatsCliOptions {
  nats?: string;
  natsUser?: string;
  natsPass?: string;
  natsToken?: string;
  natsCreds?: string;
  natsTlsCa?: string;
  natsTlsCert?: string;
  natsTlsKey?: string;
}

export function registerNatsOptions(command: Command): Command {
  return command
    .option('--nats <url>', 'NATS server(s), e.g. nats://127.0.0.1:4222 (comma-separated for a cluster)')
    .option('--nats-user <user>', 'NATS user (or $MOLLIFIER_NATS_USER; password from --nats-pass or $MOLLIFIER_NATS_PASS)')
    .option('--nats-pass <password>', 'NATS password (prefer $MOLLIFIER_NATS_PASS: a command line is visible to every user of the host)')
    .option('--nats-token <token>', 'NATS token (or $MOLLIFIER_NATS_TOKEN)')
    .option('--nats-creds <file>', 'NATS credentials file (JWT + NKey seed)')
    .option('--nats-tls-ca <file>', 'CA certificate to verify the server (or $MOLLIFIER_NATS_TLS_CA)')
    .option('--nats-tls-cert <file>', 'client certificate (mutual TLS)')
    .option('--nats-tls-key <file>', 'client key (mutual TLS)');
}

/** A server list with any user:password@ taken out, safe to print. */
export function redactServers(servers: string): string {
  return servers.replace(/\/\/[^/@\s,]*@/g, '//');
}

/**
 * Credentials written into the URL (nats://user:pass@host) are taken out of it and used as user and password:
 * the client would ignore them, and every error line would print them.
 */
function splitUrlCredentials(servers: string): { servers: string; user?: string; pass?: string } {
  let user: string | undefined;
  let pass: string | undefined;
  const cleaned = servers.split(',').map((raw) => {
    const server = raw.trim();
    const match = /^([a-z]+:\/\/)([^/@\s]*)@(.*)$/i.exec(server);
    if (!match) return server;
    const [name, password] = match[2]!.split(/:(.*)/s) as [string, string | undefined];
    const decoded = { user: decodeURIComponent(name), pass: password === undefined ? undefined : decodeURIComponent(password) };
    if (user !== undefined && (user !== decoded.user || pass !== decoded.pass)) throw new UsageError(`--nats: the servers name different credentials (${redactServers(servers)})`);
    ({ user, pass } = decoded);
    return `${match[1]}${match[3]}`;
  });
  return { servers: cleaned.join(','), ...(user !== undefined ? { user } : {}), ...(pass !== undefined ? { pass } : {}) };
}

export function natsOptionsOf(options: NatsCliOptions): NatsSettings {
  if (!options.nats) throw new UsageError('--nats <url> is required here');
  const fromUrl = splitUrlCredentials(options.nats);
  if (!/^(nats|tls|ws|wss):\/\/[^\s]+$/.test(fromUrl.servers.split(',')[0]!.trim()) && !/^[\w.-]+:\d+$/.test(fromUrl.servers)) {
    throw new UsageError(`--nats '${redactServers(options.nats)}' is not a NATS URL (nats://host:port)`);
  }
  const envUser = process.env.MOLLIFIER_NATS_USER || undefined;
  if (fromUrl.user !== undefined && (options.natsUser !== undefined || options.natsPass !== undefined)) {
    throw new UsageError('--nats names a user in its URL and --nats-user/--nats-pass too: give the credentials once');
  }
  const user = fromUrl.user ?? options.natsUser ?? envUser;
  const pass = fromUrl.pass ?? options.natsPass ?? process.env.MOLLIFIER_NATS_PASS;
  const token = options.natsToken ?? process.env.MOLLIFIER_NATS_TOKEN;
  if (pass !== undefined && user === undefined) throw new UsageError('--nats-pass needs --nats-user (or $MOLLIFIER_NATS_USER)');
  const caFile = options.natsTlsCa ?? (process.env.MOLLIFIER_NATS_TLS_CA || undefined);
  const tls = caFile || options.natsTlsCert || options.natsTlsKey
    ? { ...(caFile ? { caFile } : {}), ...(options.natsTlsCert ? { certFile: options.natsTlsCert } : {}), ...(options.natsTlsKey ? { keyFile: options.natsTlsKey } : {}) }
    : undefined;
  return {
    servers: fromUrl.servers,
    ...(user !== undefined ? { user, pass: pass ?? '' } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(options.natsCreds !== undefined ? { credsFile: options.natsCreds } : {}),
    ...(tls ? { tls } : {}),
  };
}
