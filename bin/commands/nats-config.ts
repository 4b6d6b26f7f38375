// `mollifier nats-config --dir DIR`: a nats-server configuration with roles (protocol/nats/roles.ts) and the
// credentials each role's processes read from the environment. Passwords are random, stored in the server's
// file only as bcrypt hashes, and in plain only in the env files (mode 0600), never printed.
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { serverConfigText, type ConfigUser } from '../../protocol/nats/server-config.js';
import { token } from '../../protocol/subjects.js';
import { parseInteger } from '../parse.js';
import { UsageError } from '../usage-error.js';

interface NatsConfigOptions {
  dir: string;
  host: string;
  port: number;
  monitorPort?: number;
  workerHost: string[];
  team: string[];
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsVerifyClients?: boolean;
  maxPayload: number;
  force?: boolean;
}

const nameRule = /^[A-Za-z0-9_-]{1,32}$/;
const collect = (value: string, previous: string[]) => [...previous, value];

/** The default bcrypt cost of nats-server's own `nats server passwd` tool. */
const bcryptCost = 11;

function checkOptions(options: NatsConfigOptions): void {
  if (!(isIP(options.host) || /^[A-Za-z0-9.-]{1,253}$/.test(options.host))) throw new UsageError(`--host '${options.host}' is not an address`);
  for (const [name, port] of [['--port', options.port], ['--monitor-port', options.monitorPort]] as const) {
    if (port !== undefined && !(port >= 1 && port <= 65535)) throw new UsageError(`${name} ${port} must be a port number (1-65535)`);
  }
  for (const [name, values] of [['--worker-host', options.workerHost], ['--team', options.team]] as const) {
    for (const value of values) if (!nameRule.test(value)) throw new UsageError(`${name} '${value}': 1-32 letters, digits, _ or -`);
    if (new Set(values).size !== values.length) throw new UsageError(`${name}: a name is given twice`);
  }
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
  if ((options.tlsCa || options.tlsVerifyClients) && !options.tlsCert) throw new UsageError('--tls-ca and --tls-verify-clients need --tls-cert and --tls-key');
  if (options.tlsVerifyClients && !options.tlsCa) throw new UsageError('--tls-verify-clients needs --tls-ca (the CA that signed the client certificates)');
  for (const [name, file] of [['--tls-cert', options.tlsCert], ['--tls-key', options.tlsKey], ['--tls-ca', options.tlsCa]] as const) {
    if (file !== undefined && !existsSync(file)) throw new UsageError(`${name} ${file}: no such file`);
  }
  if (!(options.maxPayload >= 64 * 1024 && options.maxPayload <= 64 * 1024 * 1024)) throw new UsageError(`--max-payload ${options.maxPayload} must be between 65536 and 67108864 bytes`);
  const conf = join(options.dir, 'nats-server.conf');
  if (existsSync(conf) && !options.force) throw new UsageError(`${conf} exists: --force writes a new one with new passwords (running processes then need the new env files)`);
}

interface EnvFile {
  path: string;
  user: string;
  password: string;
  role: string;
}

/** Writes a file whole or not at all (a temp file renamed), readable by its owner only. */
function writePrivate(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

export function registerNatsConfigCommand(program: Command): void {
  program
    .command('nats-config')
    .description('write a nats-server.conf with roles (orchestrator, worker), bcrypt-hashed passwords, and env files with each role\'s credentials')
    .requiredOption('--dir <dir>', 'folder for nats-server.conf, the env files and the JetStream store (created, mode 0700)')
    .option('--host <address>', 'address the server listens on (anything but loopback: use --tls-cert)', '127.0.0.1')
    .option('--port <n>', 'client port', parseInteger('--port'), 4222)
    .option('--monitor-port <n>', 'also serve HTTP monitoring (healthz, varz) on this port', parseInteger('--monitor-port'))
    .option('--worker-host <name>', 'one worker user per host, allowed to publish results and heartbeats only as that host (`worker --host NAME`); repeatable; default one worker user for every host', collect, [] as string[])
    .option('--team <name>', 'one account per team, isolated from the others (own subjects, streams, users, env files in DIR/<team>/); repeatable', collect, [] as string[])
    .option('--tls-cert <file>', 'server certificate: clients connect with TLS')
    .option('--tls-key <file>', 'server key')
    .option('--tls-ca <file>', 'CA for clients to verify the server (written into the env files), and for --tls-verify-clients')
    .option('--tls-verify-clients', 'require client certificates signed by --tls-ca (mutual TLS)')
    .option('--max-payload <bytes>', 'largest message the server accepts', parseInteger('--max-payload'), 1024 * 1024)
    .option('--force', 'overwrite an existing configuration (new passwords)')
    .action((options: NatsConfigOptions) => {
      checkOptions(options);
      const dir = resolve(options.dir);
      const url = `${options.tlsCert ? 'tls' : 'nats'}://${options.host}:${options.port}`;
      const teams = options.team.length ? options.team : [undefined];
      const envFiles: EnvFile[] = [];
      const accounts = teams.map((team) => {
        const prefix = team === undefined ? '' : `${team}-`;
        const folder = team === undefined ? dir : join(dir, team);
        const users: ConfigUser[] = [];
        const add = (user: string, role: ConfigUser['role'], file: string, host?: string) => {
          const password = randomBytes(24).toString('base64url');
          users.push({ user, role, passwordHash: bcrypt.hashSync(password, bcryptCost), ...(host === undefined ? {} : { host: token(host) }) });
          envFiles.push({ path: join(folder, file), user, password, role: host === undefined ? role : `${role} (host ${host})` });
        };
        add(`${prefix}orchestrator`, 'orchestrator', 'orchestrator.env');
        if (options.workerHost.length === 0) add(`${prefix}worker`, 'worker', 'worker.env');
        for (const host of options.workerHost) add(`${prefix}worker-${host}`, 'worker', `worker-${host}.env`, host);
        return { name: team ?? 'MOLLIFIER', users };
      });
      const text = serverConfigText({
        host: options.host,
        port: options.port,
        ...(options.monitorPort === undefined ? {} : { monitorPort: options.monitorPort }),
        storeDir: join(dir, 'jetstream'),
        accounts,
        maxPayload: options.maxPayload,
        ...(options.tlsCert && options.tlsKey
          ? { tls: { certFile: resolve(options.tlsCert), keyFile: resolve(options.tlsKey), ...(options.tlsCa ? { caFile: resolve(options.tlsCa) } : {}), verifyClients: Boolean(options.tlsVerifyClients) } }
          : {}),
      });
      mkdirSync(join(dir, 'jetstream'), { recursive: true, mode: 0o700 });
      for (const team of options.team) mkdirSync(join(dir, team), { recursive: true, mode: 0o700 });
      for (const file of envFiles) {
        const lines = [
          `# mollifier: ${file.role} credentials for ${url} (written by \`mollifier nats-config\`; keep this file private)`,
          `MOLLIFIER_NATS_USER=${file.user}`,
          `MOLLIFIER_NATS_PASS=${file.password}`,
          ...(options.tlsCa ? [`MOLLIFIER_NATS_TLS_CA=${resolve(options.tlsCa)}`] : []),
          '',
        ];
        writePrivate(file.path, lines.join('\n'));
      }
      writePrivate(join(dir, 'nats-server.conf'), text);
      const out = [
        `wrote ${join(dir, 'nats-server.conf')} (${accounts.length} account${accounts.length === 1 ? '' : 's'}, ${envFiles.length} users) and ${envFiles.map((f) => f.path).join(', ')}`,
        `start the server:   nats-server -c ${join(dir, 'nats-server.conf')}`,
        `an orchestrator:    set -a; . ${envFiles[0]!.path}; set +a; mollifier sweep run SPEC --nats ${url}`,
        `a worker:           set -a; . ${envFiles[1]!.path}; set +a; mollifier worker --nats ${url}${options.workerHost.length ? ` --host ${options.workerHost[0]}` : ''}`,
      ];
      if (!options.tlsCert && !/^(127\.|::1$|localhost$)/.test(options.host)) out.push(`warning: --host ${options.host} without --tls-cert: passwords and results cross the network unencrypted`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
