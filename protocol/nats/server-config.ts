// The text of a nats-server configuration that enforces the roles of roles.ts: JetStream on, one account per
// team (accounts share nothing: not subjects, not streams), each with an orchestrator user and worker users.
// Pure: passwords come in already hashed (bcrypt), paths as given.
import { orchestratorPermissions, workerPermissions, type RolePermissions } from './roles.js';

export interface ConfigUser {
  user: string;
  /** bcrypt hash (nats-server compares the client's password against it). */
  passwordHash: string;
  role: 'orchestrator' | 'worker';
  /** A worker bound to one host (its results and heartbeats only under that host's subject token). */
  host?: string;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** HTTP monitoring (healthz, varz) on the same host; none when undefined. */
  monitorPort?: number;
  storeDir: string;
  accounts: Array<{ name: string; users: ConfigUser[] }>;
  tls?: { certFile: string; keyFile: string; caFile?: string; verifyClients: boolean };
  /** Largest message the server accepts (bytes). */
  maxPayload: number;
}

const quoted = (text: string) => JSON.stringify(text);
const list = (items: string[], indent: string) => `[\n${items.map((i) => `${indent}  ${quoted(i)}`).join(',\n')}\n${indent}]`;

function permissionsOf(user: ConfigUser): RolePermissions {
  return user.role === 'orchestrator' ? orchestratorPermissions(user.user) : workerPermissions(user.user, user.host);
}

function userBlock(user: ConfigUser): string {
  const p = permissionsOf(user);
  const i = '          ';
  return [
    '      {',
    `        user: ${quoted(user.user)}`,
    `        password: ${quoted(user.passwordHash)}`,
    '        permissions: {',
    `          publish: { allow: ${list(p.publish, i)} }`,
    `          subscribe: { allow: ${list(p.subscribe, i)} }`,
    '        }',
    '      }',
  ].join('\n');
}

export function serverConfigText(config: ServerConfig): string {
  const lines = [
    '# Written by `mollifier nats-config`: roles for mollifier sweeps (README: "Sharing one NATS server").',
    '# No anonymous access: every client authenticates as one of the users below.',
    `listen: ${quoted(`${config.host}:${config.port}`)}`,
    ...(config.monitorPort === undefined ? [] : [`http: ${quoted(`${config.host}:${config.monitorPort}`)}`]),
    `max_payload: ${config.maxPayload}`,
    `jetstream: { store_dir: ${quoted(config.storeDir)} }`,
  ];
  if (config.tls) {
    lines.push(
      'tls: {',
      `  cert_file: ${quoted(config.tls.certFile)}`,
      `  key_file: ${quoted(config.tls.keyFile)}`,
      ...(config.tls.caFile ? [`  ca_file: ${quoted(config.tls.caFile)}`] : []),
      `  verify: ${config.tls.verifyClients}`,
      '}',
    );
  }
  lines.push('accounts: {');
  for (const account of config.accounts) {
    lines.push(`  ${quoted(account.name)}: {`, '    jetstream: enabled', '    users: [', account.users.map(userBlock).join('\n'), '    ]', '  }');
  }
  lines.push('}', '');
  return lines.join('\n');
}
