// The report as a person sees it: a real train result's page opened from disk in headless Chromium (Debian's
// chromium, driven by playwright-core). Every image must load with a non-zero size, the page must log no console
// error, and a screenshot is kept under a temp dir (its path is printed) for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
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

test('the report of a real train result in headless Chromium: every chart loads, no console error, a screenshot', { skip: 'skip' in browser ? browser.skip : false, timeout: 120_000 }, async () => {
  const result = join(work, 'heat.json');
  run('train', '--pde', 'heat', '--grid', '16', '--radius', '2', '--epochs', '30', '--seed', '3', '--out', result);
  const out = join(work, 'report');
  run('report', '--result', result, '--out', out);
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
    await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
    const images = await page.$$eval('img', (nodes) =>
      nodes.map((img) => ({ src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, shown: img.getBoundingClientRect().width })),
    );
    assert.equal(images.length, 10, 'nine maps and the loss curves');
    for (const image of images) {
      assert.ok(image.complete && image.width > 0 && image.height > 0 && image.shown > 0, `${image.src} did not load: ${JSON.stringify(image)}`);
    }
    assert.deepEqual(problems, []);
    const screenshot = join(work, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(statSync(screenshot).size > 20_000, 'a screenshot with something on it');
    console.log(`report screenshot: ${screenshot}`);
  } finally {
    await instance.close();
  }
});
