// Issue 12, item 7: bad input that used to end in a stack trace, a hang or a stray file is one line and exit 2,
// before any work. Each case was reproduced first (see the issue's text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-bad-'));
const spec = join(work, 'spec.yaml');
writeFileSync(spec, 'name: bad\nseeds: 1\nbase: {kind: noop, duration-ms: 10}\n');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' }, timeout: 30_000 });
  return { code: result.status, stderr: result.stderr, signal: result.signal };
}

function oneLine(result: ReturnType<typeof run>, pattern: RegExp): void {
  assert.equal(result.signal, null, 'it finished (no hang)');
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, pattern);
}

test('a --store that is not a store: one line naming why, exit 2, nothing created', () => {
  const notSqlite = join(work, 'text.sqlite');
  writeFileSync(notSqlite, 'plain text\n');
  const foreign = join(work, 'foreign.sqlite');
  new Database(foreign).exec('CREATE TABLE invoices (id INTEGER)');
  const otherSchema = join(work, 'other-schema.sqlite');
  new Database(otherSchema).exec('CREATE TABLE jobs (sweep TEXT, id TEXT)');
  const truncated = join(work, 'truncated.sqlite');
  const full = join(work, 'full.sqlite');
  const db = new Database(full);
  db.exec('CREATE TABLE jobs (sweep TEXT, id TEXT, grp TEXT, idx INTEGER, options TEXT, status TEXT); CREATE TABLE sweeps (name TEXT, spec TEXT, created_at TEXT, updated_at TEXT)');
  db.close();
  writeFileSync(truncated, readFileSync(full).subarray(0, 100));
  const directory = join(work, 'dir.sqlite');
  mkdirSync(directory);
  const cases: Array<[string, RegExp]> = [
    [notSqlite, /is not a SQLite database$/],
    [foreign, /a SQLite database of another program \(tables invoices\)/],
    [otherSchema, /table jobs lacks grp, idx, options, status: another schema/],
    [truncated, /malformed|not a database/],
    [directory, /is a directory, not a store file$/],
    ['/dev/null', /is not a regular file/],
  ];
  for (const [path, pattern] of cases) {
    oneLine(run('sweep', 'status', '--store', path), new RegExp(`^mollifier: --store ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    oneLine(run('sweep', 'run', spec, '--store', path, '--no-table'), pattern);
  }
  assert.equal(existsSync('/dev/null-journal'), false, 'no journal next to /dev/null');
  assert.deepEqual([...new Database(foreign).prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()], [{ name: 'invoices' }], 'nothing written into the other program\'s database');
});

test('a --store under a kernel file system or under a file: refused at once (it used to hang for ever)', () => {
  oneLine(run('sweep', 'run', spec, '--store', '/proc/x/y.sqlite', '--no-table'), /\/proc\/x is a kernel file system/);
  const file = join(work, 'plain-file');
  writeFileSync(file, 'x');
  oneLine(run('sweep', 'run', spec, '--store', join(file, 'y.sqlite'), '--no-table'), /cannot create it in .*plain-file/);
});

test('a YAML alias bomb is one line, not a crash', () => {
  const bomb = join(work, 'bomb.yaml');
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 8; i++) {
    const [name, previous] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
    levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
  }
  writeFileSync(bomb, `name: bomb\n${levels.join('\n')}\nbase: {kind: noop}\n`);
  oneLine(run('sweep', 'run', bomb, '--store', join(work, 'bomb.sqlite')), /cannot expand the YAML: Excessive alias count/);
});

test('train and estimate with --out an existing directory: refused before any training', () => {
  const out = join(work, 'out.json');
  mkdirSync(out);
  const started = Date.now();
  oneLine(run('train', '--pde', 'heat', '--grid', '12', '--epochs', '100000', '--out', out), /--out .*out\.json: is a directory/);
  assert.ok(Date.now() - started < 15_000, 'no training ran first');
  const data = join(work, 'heat');
  assert.equal(run('simulate', 'heat', '--grid', '16', '--out', data).code, 0);
  oneLine(run('estimate', 'heat', '--data', data, '--out', out), /is a directory/);
});

test('a command group without its subcommand says which ones exist (it printed "(outputHelp)")', () => {
  oneLine(run('sweep'), /^mollifier: sweep needs a subcommand: .*run.*status/);
  oneLine(run('bench'), /^mollifier: bench needs a subcommand: .*derivatives/);
});

test('credentials: a password in the NATS URL is never printed, and --nats-pass alone needs a user', () => {
  const unreachable = run('sweep', 'run', spec, '--store', join(work, 'n.sqlite'), '--nats', 'nats://alice:hunter2@127.0.0.1:1', '--no-table');
  oneLine(unreachable, /^mollifier: cannot connect to NATS at nats:\/\/127\.0\.0\.1:1: /);
  assert.ok(!unreachable.stderr.includes('hunter2'), unreachable.stderr);
  oneLine(run('sweep', 'run', spec, '--store', join(work, 'n.sqlite'), '--nats', 'nats://127.0.0.1:1', '--nats-pass', 'hunter2'), /--nats-pass needs --nats-user/);
  const both = run('sweep', 'run', spec, '--store', join(work, 'n.sqlite'), '--nats', 'nats://alice:hunter2@127.0.0.1:1', '--nats-user', 'bob');
  oneLine(both, /give the credentials once/);
  assert.ok(!both.stderr.includes('hunter2'));
});
