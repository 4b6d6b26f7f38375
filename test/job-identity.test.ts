// A job's identity covers everything that changes its result: its options, the training code's defaults for its
// problem, and the contents of the files it reads. Before, the id hashed the options alone: a changed default
// or a rewritten --param-field file silently reused the stored results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainingDefaultsDigests } from '../protocol/index.js';
import { parseSpec, SpecError } from '../orchestrator/spec.js';
import { sharedTrainingDefaults, trainingDefaultsOf } from '../mollifier/training/defaults.js';
import { stableId } from '../orchestrator/canonical.js';
import type { ProblemName } from '../mollifier/pdes/types.js';
import { builtinProblems } from '../mollifier/problems/builtin.js';

/** The digest the wire contract keeps per problem: the orchestrator's stable id of the problem's defaults. */
const trainingDefaultsDigest = (problem: ProblemName) => stableId(trainingDefaultsOf(builtinProblems[problem]));
import { jobDefaults } from '../mollifier/training/job.js';
import { changedInput } from '../worker/data-roots.js';

const work = mkdtempSync(join(tmpdir(), 'mollifier-identity-'));

test('the wire contract\'s digests of the training defaults are the code\'s (change a default: paste the new digest printed here)', () => {
  const code = { langevin: trainingDefaultsDigest('langevin'), heat: trainingDefaultsDigest('heat'), rd: trainingDefaultsDigest('rd'), decay: trainingDefaultsDigest('decay'), shared: stableId(sharedTrainingDefaults()) };
  assert.deepEqual({ ...trainingDefaultsDigests }, code, `protocol/job-options.ts trainingDefaultsDigests must be ${JSON.stringify(code)}`);
});

test('regression: changing a per-problem default changes that problem\'s digest and its jobs\' ids, and no other problem\'s', () => {
  const before = { heat: trainingDefaultsDigest('heat'), rd: trainingDefaultsDigest('rd') };
  const epochs = jobDefaults.heat.epochs;
  try {
    jobDefaults.heat.epochs = epochs + 1;
    assert.notEqual(trainingDefaultsDigest('heat'), before.heat);
    assert.equal(trainingDefaultsDigest('rd'), before.rd);
  } finally {
    jobDefaults.heat.epochs = epochs;
  }
  const spec = 'name: ids\nseeds: 2\nbase: {epochs: 5}\nmatrix:\n  pde: [heat, rd]\n';
  const digests = { ...trainingDefaultsDigests };
  const a = parseSpec(spec, 'ids.yaml', { defaultsDigests: digests });
  const b = parseSpec(spec, 'ids.yaml', { defaultsDigests: { ...digests, heat: 'another' } });
  const pick = (jobs: typeof a.jobs, pde: string) => jobs.filter((j) => j.options.kind === 'train' && j.options.pde === pde);
  assert.notDeepEqual(pick(a.jobs, 'heat').map((j) => j.id), pick(b.jobs, 'heat').map((j) => j.id), 'heat jobs are new jobs');
  assert.notDeepEqual(pick(a.jobs, 'heat').map((j) => j.group), pick(b.jobs, 'heat').map((j) => j.group), 'and a new group');
  assert.deepEqual(pick(a.jobs, 'rd').map((j) => j.id), pick(b.jobs, 'rd').map((j) => j.id), 'rd jobs keep their ids');
});

test('regression: rewriting a param-field file\'s bytes gives new ids; the same bytes give the same ids; no-op jobs are unaffected', () => {
  const field = join(work, 'D.csv');
  const spec = `name: files\nseeds: 1\nbase: {pde: heat, epochs: 5, param-field: ${JSON.stringify(field)}}\n`;
  writeFileSync(field, 'x,y,D\n0,0,1\n1,0,1\n0,1,1\n1,1,1\n');
  const first = parseSpec(spec).jobs[0]!;
  assert.match(first.inputs?.['param-field'] ?? '', /^[0-9a-f]{64}$/);
  writeFileSync(field, 'x,y,D\n0,0,1\n1,0,2\n0,1,1\n1,1,1\n');
  const changed = parseSpec(spec).jobs[0]!;
  assert.notEqual(changed.id, first.id);
  assert.notEqual(changed.group, first.group);
  writeFileSync(field, 'x,y,D\n0,0,1\n1,0,1\n0,1,1\n1,1,1\n');
  assert.equal(parseSpec(spec).jobs[0]!.id, first.id);
  const noop = 'name: n\nseeds: 1\nbase: {kind: noop}\n';
  assert.equal(parseSpec(noop).jobs[0]!.inputs, undefined);
});

test('an instance folder is fingerprinted by its files; an unreadable file option is a spec error naming it', () => {
  const folder = join(work, 'instance');
  const spec = `name: dir\nseeds: 1\nbase: {pde: heat, epochs: 5, data: ${JSON.stringify(folder)}}\n`;
  assert.throws(() => parseSpec(spec, 'dir.yaml'), (e: unknown) => e instanceof SpecError && /data: cannot read .*instance to fingerprint it \(ENOENT\): the orchestrator must see the files its jobs read/.test(e.message));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'fields.csv'), 'x,y,u\n');
  writeFileSync(join(folder, 'meta.json'), '{}');
  const one = parseSpec(spec).jobs[0]!.id;
  writeFileSync(join(folder, 'meta.json'), '{"seed": 1}');
  assert.notEqual(parseSpec(spec).jobs[0]!.id, one);
});

test('a worker refuses a file whose contents are not those the sweep was planned with, naming digests only', () => {
  const field = join(work, 'planned.csv');
  writeFileSync(field, 'x,y,D\nSECRET-CONTENT\n');
  const spec = `name: w\nseeds: 1\nbase: {pde: heat, epochs: 5, param-field: ${JSON.stringify(field)}}\n`;
  const job = parseSpec(spec).jobs[0]!;
  assert.equal(changedInput(job.options, job.inputs), null);
  writeFileSync(field, 'x,y,D\nOTHER-CONTENT\n');
  const reason = changedInput(job.options, job.inputs);
  assert.match(reason ?? '', /param-field .*planned\.csv: its contents differ from those the sweep was planned with \(sha256 [0-9a-f]{12}… here, [0-9a-f]{12}… planned\)/);
  assert.ok(!/CONTENT/.test(reason!));
});
