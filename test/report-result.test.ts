// `mollifier report --result`: a real train result becomes a page of charts whose pixels are the result's values
// on the scheme the legend shows; bad input is one line and exit 2, with nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import * as vega from 'vega';
import { fieldPng, rgbOf } from '../orchestrator/report/raster.js';
import { robustRange } from '../orchestrator/report/charts.js';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mollifier-report-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The PNG a chart embeds (the heat map's one raster image). */
function embeddedPng(svg: string): PNG {
  const match = /href="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(svg);
  assert.ok(match, 'the chart embeds a PNG');
  return PNG.sync.read(Buffer.from(match[1]!, 'base64'));
}

const viridis = vega.scheme('viridis') as (t: number) => string;

test('fieldPng: one pixel per node, y upwards, the scheme at the ends of the domain, missing values transparent', () => {
  // 3 × 2 grid, row 0 at the smallest y: values 0..5, one NaN.
  const png = PNG.sync.read(fieldPng([0, 1, 2, 3, NaN, 5], 3, 2, [0, 5], viridis));
  assert.equal(png.width, 3);
  assert.equal(png.height, 2);
  const pixel = (row: number, column: number) => Array.from(png.data.subarray((row * 3 + column) * 4, (row * 3 + column) * 4 + 4));
  // Grid row 0 (value 0 at column 0) is the image's bottom row.
  assert.deepEqual(pixel(1, 0), [...rgbOf(viridis(0)), 255]);
  assert.deepEqual(pixel(0, 2), [...rgbOf(viridis(1)), 255]);
  assert.equal(pixel(0, 1)[3], 0, 'NaN is transparent');
  assert.deepEqual(rgbOf('#0a0b0c'), [10, 11, 12]);
  assert.deepEqual(rgbOf('rgb(1, 2, 3)'), [1, 2, 3]);
});

test("robustRange: the truth's range where there is one (a spike cannot flatten the map), else the estimate's 2-98 %", () => {
  const estimate = [...Array.from({ length: 98 }, (_, i) => 1 + i / 97), -40, 60];
  assert.deepEqual(robustRange(estimate, [1, 1.5, 2]), [1, 2]);
  const [lo, hi] = robustRange(estimate, null);
  assert.ok(lo >= 1 && lo < 1.03 && hi > 1.97 && hi <= 2, `the outliers -40 and 60 are left out: [${lo}, ${hi}]`);
  assert.deepEqual(robustRange([NaN, NaN], [3, 4]), [3, 4]);
  assert.deepEqual(robustRange([2, 5], [NaN]), [2, 5]);
});

test('report --result of a real 2D train result: truth, recovered and error maps, losses, metrics; pixels are the values', () => {
  const result = join(work, 'heat.json');
  assert.equal(run('train', '--pde', 'heat', '--grid', '12', '--radius', '2', '--epochs', '8', '--seed', '2', '--out', result).code, 0);
  const out = join(work, 'heat-report');
  const made = run('report', '--result', result, '--out', out);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /^wrote .*index\.html \(10 charts, [\d.]+ s\)\n$/);
  const files = readdirSync(out).sort();
  const expected = ['parameter', 'laplacian', 'field-u'].flatMap((k) => ['true', 'recovered', 'error'].map((kind) => `${k}-${kind}.svg`));
  assert.deepEqual(files, [...expected, 'index.html', 'loss.svg'].sort());
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  for (const svg of files.filter((f) => f.endsWith('.svg'))) assert.ok(html.includes(`src="${svg}"`), `index.html shows ${svg}`);
  assert.ok(!/https?:\/\//.test(html.replace(/xmlns="[^"]*"/g, '')), 'nothing to fetch from a network');
  assert.match(html, /<th>param_corr<\/th><td class="n">-?\d/);

  // The truth map's pixels are the true D on viridis over the shared domain of truth and estimate.
  const train = JSON.parse(readFileSync(result, 'utf8')) as { fields: { parameter: number[]; parameter_true: number[]; parameter_name: string } };
  assert.equal(train.fields.parameter_name, 'D');
  const truthSvg = readFileSync(join(out, 'parameter-true.svg'), 'utf8');
  assert.match(truthSvg, /image-rendering: pixelated/);
  const png = embeddedPng(truthSvg);
  assert.deepEqual([png.width, png.height], [8, 8]);
  const [lo, hi] = robustRange(train.fields.parameter, train.fields.parameter_true);
  const truth = train.fields.parameter_true;
  const at = truth.indexOf(Math.max(...truth));
  const [row, column] = [7 - Math.floor(at / 8), at % 8];
  const got = Array.from(png.data.subarray((row * 8 + column) * 4, (row * 8 + column) * 4 + 3));
  assert.deepEqual(got, rgbOf(viridis(Math.round((255 * (truth[at]! - lo)) / (hi - lo)) / 255)));
  // The legend states that domain, and the error map is centred on 0 with the diverging scheme.
  assert.match(readFileSync(join(out, 'parameter-error.svg'), 'utf8'), /Δ D/);
});

test('report --result of a 1D result draws curves of the truth and the estimate', () => {
  const result = join(work, 'langevin.json');
  assert.equal(run('train', '--pde', 'langevin', '--grid', '101', '--epochs', '5', '--seed', '1', '--out', result).code, 0);
  const out = join(work, 'langevin-report');
  assert.equal(run('report', '--result', result, '--out', out).code, 0);
  assert.deepEqual(readdirSync(out).sort(), ['field-v.svg', 'index.html', 'loss.svg', 'parameter.svg']);
  const svg = readFileSync(join(out, 'parameter.svg'), 'utf8');
  assert.match(svg, />recovered</);
  assert.match(svg, />true</);
});

test('bad report input: one line naming the file or option, exit 2, nothing written', () => {
  const out = join(work, 'never');
  const notJson = join(work, 'not.json');
  writeFileSync(notJson, '{"config": ');
  const notResult = join(work, 'other.json');
  writeFileSync(notResult, JSON.stringify({ config: { pde: 'heat' }, status: 'completed' }));
  const badLength = join(work, 'short.json');
  const good = JSON.parse(readFileSync(join(work, 'heat.json'), 'utf8')) as { fields: { parameter: number[] } };
  good.fields.parameter.pop();
  writeFileSync(badLength, JSON.stringify(good));
  const file = join(work, 'a-file');
  writeFileSync(file, 'x');
  const cases: Array<[string[], RegExp]> = [
    [['report', '--result', join(work, 'missing.json'), '--out', out], /--result .*missing\.json: cannot read it \(ENOENT\)/],
    [['report', '--result', notJson, '--out', out], /--result .*not\.json: not JSON/],
    [['report', '--result', notResult, '--out', out], /--result .*other\.json: not a train result: config\.model: /],
    [['report', '--result', badLength, '--out', out], /--result .*short\.json: not a train result: fields\.parameter holds 63 values, the grid 64/],
    [['report', '--result', notJson], /give --out DIR/],
    [['report', '--out', out], /give --store FILE .*--result FILE/],
    [['report', '--result', join(work, 'heat.json'), '--store', join(work, 'heat.json'), '--out', out], /give --result FILE, or a spec or --store FILE, not both/],
    [['report', '--result', join(work, 'heat.json'), '--sweep', 'x', '--out', out], /--sweep is for --store/],
    [['report', '--result', join(work, 'heat.json'), '--out', file], /--out .*a-file: is a file; give a folder/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = run(...args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, message);
  }
  assert.equal(existsSync(out), false, 'no half-written report');
});
