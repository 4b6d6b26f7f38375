// One input-error class: every error that means "bad input" (library, protocol, orchestrator, CLI) is an
// InputError, which the CLI turns into one line and exit 2; other errors are not, and subclasses stay distinct.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, KernelError, LayerError, BackendError, ProblemError, AutodiffError, ModelError } from '../mollifier/index.js';
import { MetricsError } from '../mollifier/metrics/smoothing.js';
import { NetError } from '../mollifier/nets/mlp.js';
import { WebGpuError } from '../mollifier/backend/webgpu-errors.js';
import { SweepTakenError } from '../protocol/index.js';
import { TransportError } from '../protocol/nats/connection.js';
import { SpecError } from '../orchestrator/spec.js';
import { StoreError } from '../orchestrator/store.js';
import { UsageError } from '../bin/usage-error.js';

test('every input error is an InputError (across folders that cannot import each other); a GPU failure and a plain Error are not', () => {
  const holder = { run: '0123456789abcdef', host: 'h', pid: 1, store: 's', since: 'now' };
  const inputs = [
    new KernelError('k'), new LayerError('l'), new BackendError('b'), new ProblemError('p'), new AutodiffError('a'), new ModelError('m'),
    new MetricsError('m'), new NetError('n'), new SweepTakenError('s', holder), new TransportError('t'), new SpecError('f', []), new StoreError('s'), new UsageError('u'),
  ];
  for (const error of inputs) assert.ok(error instanceof InputError, `${error.constructor.name} is an InputError`);
  assert.ok(!(new WebGpuError('device lost') instanceof InputError));
  assert.ok(!(new Error('x') instanceof InputError));
  assert.ok(!(new TypeError('x') instanceof InputError));
  assert.ok(!(new KernelError('k') instanceof LayerError), 'subclasses keep their own instanceof');
  assert.ok(new KernelError('k') instanceof KernelError);
});
