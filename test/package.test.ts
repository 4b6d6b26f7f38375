// The package as a user gets it: `npm pack`, the tarball unpacked into a temp project's node_modules (its
// dependencies linked from this checkout's, so no network is needed), then a short script and a type check
// against the public entry only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

const userScript = `
import * as ownTf from '@tensorflow/tfjs-core';
import { initBackend, tf, Mollifier2d, kernelWeights1d, createModel, simulateProblem, pearson } from 'mollifier-layers';

await initBackend({ backend: 'cpu' });
// u = x² + y² on a 32×32 grid of spacing h: its Laplacian is 4 everywhere.
const n = 32, h = 1 / (n - 1);
const u = tf.tidy(() => {
  const x = tf.linspace(0, 1, n);
  return tf.add(tf.square(x).reshape([1, n]), tf.square(x).reshape([n, 1])).reshape([1, n, n, 1]);
});
const layer = new Mollifier2d({ family: 'poly2', radius: 3, spacing: h, operators: ['laplacian'] });
const [lap] = layer.apply(u);
const laplacian = await lap.data();
const mean = laplacian.reduce((s, v) => s + v, 0) / laplacian.length;
const weights = kernelWeights1d({ family: 'bump', radius: 4, spacing: 0.1, order: 1 });
const model = createModel('pinn', { inputDim: 2, fieldChannels: 1, seed: 1, preset: 'cpu' });
const instance = simulateProblem('heat', { seed: 3 });
// The user's own tfjs is the library's: one engine, so tensors pass between them.
const own = ownTf.tensor2d([[1, 2], [3, 4]]);
console.log(JSON.stringify({ mean, weights: weights.length, model: model.name, nodes: Object.keys(instance.fields).length, corr: pearson([1, 2, 3], [2, 4, 6]), sameEngine: ownTf.engine() === tf.engine(), sum: (await tf.sum(own).data())[0] }));
`;

test('npm pack ships dist/, and a temp project imports the public entry, runs a script and type-checks against it', { timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'mollifier-pack-'));
  try {
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
    assert.equal(packed.status, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    for (const needed of ['dist/mollifier/index.js', 'dist/mollifier/index.d.ts', 'dist/bin/main.js', 'bin/mollifier', 'package.json']) assert.ok(files.includes(needed), `the package ships ${needed}`);
    assert.ok(!files.some((f) => f.startsWith('dist/test/')), 'the tests stay out of the package');

    const project = join(work, 'project');
    const modules = join(project, 'node_modules');
    mkdirSync(modules, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', join(work, info!.filename), '-C', work]);
    assert.equal(untar.status, 0, String(untar.stderr));
    renameSync(join(work, 'package'), join(modules, 'mollifier-layers'));
    const manifest = JSON.parse(readFileSync(join(modules, 'mollifier-layers', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies?: Record<string, string> };
    // TensorFlow.js is a peer: the user's project has its own (the same version), and the library uses that one.
    assert.ok(Object.keys(manifest.peerDependencies ?? {}).includes('@tensorflow/tfjs-core'), 'tfjs-core is a peer dependency');
    assert.ok(!Object.keys(manifest.dependencies).some((d) => d.startsWith('@tensorflow/')), 'no private copy of tfjs');
    for (const dep of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies ?? {}), 'typescript', '@types/node']) {
      const target = join(root, 'node_modules', dep);
      if (!existsSync(target)) continue;
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(target, join(modules, dep));
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', type: 'module', private: true }));
    writeFileSync(join(project, 'use.mjs'), userScript);
    const ran = spawnSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
    assert.equal(ran.status, 0, ran.stderr);
    assert.doesNotMatch(ran.stderr, /already registered/, 'one tfjs: no kernel or backend registered twice');
    const out = JSON.parse(ran.stdout.trim().split('\n').pop()!) as { mean: number; weights: number; model: string; nodes: number; corr: number; sameEngine: boolean; sum: number };
    assert.equal(out.sameEngine, true, "the library's tf is the user's own");
    assert.equal(out.sum, 10);
    assert.ok(Math.abs(out.mean - 4) < 1e-2, `the Laplacian of x² + y² is 4: ${out.mean}`);
    assert.equal(out.weights, 9);
    assert.equal(out.corr, 1);
    assert.ok(out.nodes > 0);

    // The types ship too: a user's TypeScript compiles against the entry, and a misspelt family does not.
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] } }));
    writeFileSync(join(project, 'good.ts'), `import { Mollifier2d, type KernelFamily } from 'mollifier-layers';\nconst family: KernelFamily = 'bump';\nexport const layer = new Mollifier2d({ family, radius: 4, spacing: 0.1, operators: ['laplacian'] });\n`);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const good = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' });
    assert.equal(good.status, 0, good.stdout + good.stderr);
    writeFileSync(join(project, 'bad.ts'), `import { Mollifier2d } from 'mollifier-layers';\nexport const layer = new Mollifier2d({ family: 'bmp', spacing: 0.1 });\n`);
    const bad = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: project, encoding: 'utf8' });
    assert.notEqual(bad.status, 0, 'a misspelt kernel family compiles');
    assert.match(bad.stdout, /bad\.ts\(2,\d+\): error TS\d+: Type '"bmp"' is not assignable to type/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
