#!/usr/bin/env node
// Builds the optional native kernels (native/src/) with node-gyp at install time. It never fails the install:
// where a compiler, make, pkg-config or OpenBLAS is missing, or the build or the load fails, it records why in
// native/build/status.json (the backend line and every result repeat it) and exits 0.
// Usage: node native/build.mjs [--quiet]. MOLLIFIER_NATIVE_BUILD=0 skips the build (status says so).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, 'build');
const statusFile = join(buildDir, 'status.json');
const addonFile = join(buildDir, 'Release', 'mollifier_native.node');
const logFile = join(here, 'build.log');
const quiet = process.argv.includes('--quiet');

function record(status) {
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(statusFile, `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
  const line = status.built ? `built (${status.blas})` : `not built: ${status.reason}`;
  if (!quiet || !status.built) console.log(`mollifier native kernels: ${line}`);
  process.exit(0);
}

function has(command, args = ['--version']) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

if (process.env.MOLLIFIER_NATIVE_BUILD === '0') record({ built: false, reason: 'skipped (MOLLIFIER_NATIVE_BUILD=0 at install)' });
if (process.platform !== 'linux' && process.platform !== 'darwin') record({ built: false, reason: `no build recipe for ${process.platform}` });
for (const tool of ['make', 'g++', 'pkg-config']) {
  if (!has(tool)) record({ built: false, reason: `${tool} not found (Debian: apt-get install build-essential pkg-config libopenblas-dev)` });
}
if (!has('pkg-config', ['--exists', 'openblas'])) {
  record({ built: false, reason: 'OpenBLAS not found by pkg-config (Debian: apt-get install libopenblas-dev)' });
}

// npm tells its scripts where its own node-gyp is; outside npm, look beside this node.
const nodeGyp =
  process.env.npm_config_node_gyp ?? join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
if (!existsSync(nodeGyp)) record({ built: false, reason: `node-gyp not found (looked at ${nodeGyp})` });

// Build against this node's own headers where it has them (Debian's nodejs does): no download needed.
const prefix = join(dirname(process.execPath), '..');
const ownHeaders = existsSync(join(prefix, 'include', 'node', 'node_api.h'));
const gypArgs = ['rebuild', ...(!process.env.npm_config_nodedir && ownHeaders ? [`--nodedir=${prefix}`] : [])];
rmSync(addonFile, { force: true });
const build = spawnSync(process.execPath, [nodeGyp, ...gypArgs], { cwd: here, encoding: 'utf8', env: process.env });
writeFileSync(logFile, `${build.stdout ?? ''}${build.stderr ?? ''}`);
if (build.status !== 0 || !existsSync(addonFile)) {
  const lines = `${build.stderr ?? ''}${build.stdout ?? ''}`.split('\n');
  const line = lines.find((l) => /\berror:/.test(l)) ?? lines.find((l) => /ERR! stack Error|ERR! /.test(l));
  const why = (line ?? build.error?.message ?? `node-gyp exited ${build.status}`).replace(/^gyp ERR! (stack )?/, '').trim().slice(0, 160);
  record({ built: false, reason: `build failed: ${why} (see native/build.log)` });
}

// Load it once in a fresh process: a library that links but does not load must not pass as built.
const probe = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(addonFile)}).info().blas)`], { encoding: 'utf8' });
if (probe.status !== 0) {
  const why = (probe.stderr.split('\n').find((l) => /Error/.test(l)) ?? `exit ${probe.status}`).trim().slice(0, 160);
  rmSync(addonFile, { force: true });
  record({ built: false, reason: `built but does not load: ${why}` });
}
record({ built: true, blas: probe.stdout.trim() });
