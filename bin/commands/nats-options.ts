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
    .option('--nats-user <user>', 'NATS user (with --nats-pass, or $MOLLIFIER_NATS_PASS)')
    .option('--nats-pass <password>', 'NATS password')
    .option('--nats-token <token>', 'NATS token (or $MOLLIFIER_NATS_TOKEN)')
    .option('--nats-creds <file>', 'NATS credentials file (JWT + NKey seed)')
    .option('--nats-tls-ca <file>', 'CA certificate to verify the server')
    .option('--nats-tls-cert <file>', 'client certificate (mutual TLS)')
    .option('--nats-tls-key <file>', 'client key (mutual TLS)');
}

export function natsOptionsOf(options: NatsCliOptions): NatsSettings {
  if (!options.nats) throw new UsageError('--nats <url> is required here');
  if (!/^(nats|tls|ws|wss):\/\/[^\s]+$/.test(options.nats.split(',')[0]!.trim()) && !/^[\w.-]+:\d+$/.test(options.nats)) {
    throw new UsageError(`--nats '${options.nats}' is not a NATS URL (nats://host:port)`);
  }
  const pass = options.natsPass ?? process.env.MOLLIFIER_NATS_PASS;
  const token = options.natsToken ?? process.env.MOLLIFIER_NATS_TOKEN;
  if (pass !== undefined && options.natsUser === undefined) throw new UsageError('--nats-pass needs --nats-user');
  const tls = options.natsTlsCa || options.natsTlsCert || options.natsTlsKey
    ? { ...(options.natsTlsCa ? { caFile: options.natsTlsCa } : {}), ...(options.natsTlsCert ? { certFile: options.natsTlsCert } : {}), ...(options.natsTlsKey ? { keyFile: options.natsTlsKey } : {}) }
    : undefined;
  return {
    servers: options.nats,
    ...(options.natsUser !== undefined ? { user: options.natsUser, pass: pass ?? '' } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(options.natsCreds !== undefined ? { credsFile: options.natsCreds } : {}),
    ...(tls ? { tls } : {}),
  };
}
