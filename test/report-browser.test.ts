// The report as a person sees it: a real train result's page opened from disk in headless Chromium (Debian's
// chromium, driven by playwright-core). Every image must load with a non-zero size, the page must log no console
// error, and a screenshot is kept under a temp dir (its path is printed) for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { requireBinary } from './support/services.js';

const cli = fileURLToPath(new URL('../../bin/mollifier', import.meta.url));
const browser = requireBinary('chromium');
const work = mkdtempSync(join(tmpdir(), 'mollifier-report-browser-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
  assert.equal(result.status, 0, result.stderr);
}

/** Opens a report from disk; every image must load with a non-zero size and nothing may fail; keeps a screenshot. */
async function checkInBrowser(index: string, screenshot: string): Promise<number> {
  const instance = await chromium.launch({
    executablePath: (browser as { path: string }).path,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await instance.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
    const images = await page.$$eval('img', (nodes) =>
      nodes.map((img) => ({ src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, shown: img.getBoundingClientRect().width })),
    );
    for (const image of images) {
      assert.ok(image.complete && image.width > 0 && image.height > 0 && image.shown > 0, `${image.src} did not load: ${JSON.stringify(image)}`);
    }
    assert.deepEqual(problems, []);
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(statSync(screenshot).size > 20_000, 'a screenshot with something on it');
    console.log(`report screenshot: ${screenshot}`);
    return images.length;
  } finally {
    await instance.close();
  }
}

test('the report of a real train result in headless Chromium: every chart loads, no console error, a screenshot', { skip: 'skip' in browser ? browser.skip : false, timeout: 120_000 }, async () => {
  const result = join(work, 'heat.json');
  run('train', '--pde', 'heat', '--grid', '16', '--radius', '2', '--epochs', '30', '--seed', '3', '--out', result);
  const out = join(work, 'report');
  run('report', '--result', result, '--out', out);
  assert.equal(await checkInBrowser(join(out, 'index.html'), join(work, 'report.png')), 10, 'nine maps and the loss curves');
});

test('the report of a small real sweep in headless Chromium: the comparison, noise and cost charts and every configuration\'s maps and losses load', { skip: 'skip' in browser ? browser.skip : false, timeout: 240_000 }, async () => {
  const spec = join(work, 'small.yaml');
  writeFileSync(spec, 'name: small\nseeds: 2\nbase: {pde: heat, grid: 16, radius: 2, epochs: 40}\nmatrix:\n  obs-noise: [0, 0.05]\n');
  const store = join(work, 'small.sqlite');
  run('sweep', 'run', spec, '--store', store, '--no-table');
  const out = join(work, 'sweep-report');
  run('report', '--store', store, '--out', out);
  // 5 metrics compared + accuracy against obs-noise; per configuration 9 maps and the seeds' losses.
  assert.equal(await checkInBrowser(join(out, 'index.html'), join(work, 'sweep-report.png')), 6 + 2 * 10);
});
