// The house rules on imports, checked on the sources: arrows point one way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(folder: string): string[] {
  const dir = join(root, folder);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'/g)].map((m) => m[1] ?? m[2]!);
}

function violations(folder: string, forbidden: RegExp): string[] {
  return sourceFiles(folder).flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden.test(spec))
      .map((spec) => `${relative(root, file)} imports ${spec}`),
  );
}

test('mollifier/ imports nothing from protocol/, orchestrator/, worker/, bench/ or bin/', () => {
  assert.ok(sourceFiles('mollifier').length > 10);
  assert.deepEqual(violations('mollifier', /(^|\/)(protocol|orchestrator|worker|bench|bin)\//), []);
});

test('protocol/ imports none of the other folders', () => {
  assert.deepEqual(violations('protocol', /(^|\.\.\/)(mollifier|orchestrator|worker|bench|bin)\//), []);
});

test('orchestrator/ never loads TensorFlow nor the science library, and meets workers only through protocol/', () => {
  assert.deepEqual(violations('orchestrator', /@tensorflow|(^|\.\.\/)(mollifier|worker)\//), []);
});

test('dashboards/ imports none of the other folders', () => {
  assert.deepEqual(violations('dashboards', /(^|\.\.\/)(mollifier|protocol|orchestrator|worker|bench|bin)\//), []);
});

test('worker/ never imports orchestrator/', () => {
  assert.deepEqual(violations('worker', /(^|\.\.\/)orchestrator\//), []);
});

test('only mollifier/backend/ imports TensorFlow.js packages directly', () => {
  const offenders = ['mollifier', 'bench', 'bin', 'worker']
    .flatMap((folder) => violations(folder, /^@tensorflow\//))
    .filter((line) => !line.startsWith('mollifier/backend/'));
  assert.deepEqual(offenders, []);
});

test('no synchronous tensor read (dataSync, arraySync, bufferSync) in the library, the worker or the benchmarks: they stall a GPU and throw on webgpu', () => {
  const found = ['mollifier', 'worker', 'bench'].flatMap((folder) =>
    sourceFiles(folder).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\.(dataSync|arraySync|bufferSync)\(/.test(line.replace(/\/\/.*$/, '')) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
    ),
  );
  assert.deepEqual(found, []);
});

test('no file of mollifier/training/, worker/ or bin/ names a problem: they dispatch through problem values (mollifier/problems/)', () => {
  // decay only quoted: the word is also the learning-rate schedule's ("cosine decay").
  const found = ['mollifier/training', 'worker', 'bin'].flatMap((folder) =>
    sourceFiles(folder).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\b(langevin|heat|rd)\b/i.test(line) || /['"`]decay['"`]/.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
    ),
  );
  assert.deepEqual(found, []);
});
