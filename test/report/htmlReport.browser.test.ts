import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

// Debian's chromium (never a downloaded browser). .ci/run installs it and sets MFT_REQUIRE_BROWSER=1,
// so in CI a missing browser fails this test instead of skipping it.
const CHROMIUM = process.env.MFT_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.MFT_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);

describe.skipIf(!haveBrowser)('report.html in a real browser (Debian chromium via playwright-core)', () => {
  it('opens offline with no console error and no request; every chart drew; one entry marker per trades.csv row; the trade table sorts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mft-report-'));
    const bt = spawnSync('node', ['functions/cli/bin.mjs', 'backtest', '--config', 'config/stages/local.yaml', '--out', out], { encoding: 'utf8' });
    expect(bt.status, bt.stderr).toBe(0);
    const file = join(out, 'report.html');
    expect(statSync(file).size).toBeLessThan(5 * 1024 * 1024);
    const rows = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n').length - 1;
    expect(rows).toBeGreaterThan(50);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      const requests: string[] = [];
      const url = pathToFileURL(file).href;
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (r.url() !== url) requests.push(r.url());
      });
      await page.goto(url);
      // page-side code as strings: the test program is compiled without the DOM lib
      await page.waitForFunction('window.mftReport && window.mftReport.ready === true');
      await page.waitForTimeout(300); // the chart library paints on the next animation frame

      // every chart: some canvas in it holds pixels other than the white background
      const drawn = (await page.evaluate(`(() => {
        const inked = (c) => {
          const g = c.getContext('2d');
          if (!g || c.width === 0 || c.height === 0) return 0;
          const d = g.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
          return n;
        };
        return [...document.querySelectorAll('[data-chart]')].map((el) => {
          const canvases = el.tagName === 'CANVAS' ? [el] : [...el.querySelectorAll('canvas')];
          return { chart: el.dataset.chart, ink: Math.max(0, ...canvases.map(inked)) };
        });
      })()`)) as Array<{ chart: string; ink: number }>;
      expect(drawn.map((d) => d.chart)).toEqual(['price', 'equity', 'drawdown', 'regime', 'hour', 'weekday', 'rejections']);
      for (const d of drawn) expect(d.ink, `${d.chart} chart is empty`).toBeGreaterThan(200);

      const markers = (await page.evaluate('window.mftReport.markers()')) as Array<{ id?: string }>;
      expect(markers.filter((m) => m.id === 'entry')).toHaveLength(rows);
      expect(markers.filter((m) => m.id === 'exit')).toHaveLength(rows);
      expect(await page.locator('#trades tbody tr').count()).toBe(rows);

      const pnl = async (): Promise<number[]> => (await page.locator('#trades tbody tr td:nth-child(10)').allTextContents()).map(Number);
      const before = await pnl();
      await page.click('#trades th[data-key="pnl"]');
      const asc = await pnl();
      expect(asc).toEqual([...before].sort((a, b) => a - b));
      await page.click('#trades th[data-key="pnl"]');
      const desc = await pnl();
      expect(desc).toEqual([...before].sort((a, b) => b - a));

      const dir = resolve('test/artifacts');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('the sweep and walk-forward reports draw their own sections too (heatmap, windows table) with no console error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mft-sweep-report-'));
    const sw = spawnSync('node', ['functions/cli/bin.mjs', 'sweep', '--grid', 'tp_atr=1.0:1.6:0.3,sl_atr=0.7,0.9,1.1', '--workers', '2', '--out', join(out, 'sweep')], { encoding: 'utf8' });
    expect(sw.status, sw.stderr).toBe(0);
    const wf = spawnSync('node', ['functions/cli/bin.mjs', 'walkforward', '--grid', 'tp_atr=1.0,1.5', '--train', '20d', '--test', '10d', '--workers', '2', '--out', join(out, 'wf')], { encoding: 'utf8' });
    expect(wf.status, wf.stderr).toBe(0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      for (const [dir, section] of [['sweep', 'sweep-section'], ['wf', 'wf-section']] as const) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(pathToFileURL(join(out, dir, 'report.html')).href);
        await page.waitForFunction('window.mftReport && window.mftReport.ready === true');
        expect(await page.locator(`#${section}`).isVisible()).toBe(true);
        if (dir === 'sweep') {
          const ink = (await page.evaluate(`(() => { const c = document.getElementById('heatmap'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++; return n; })()`)) as number;
          expect(ink).toBeGreaterThan(1000);
          expect(await page.locator('#sweep-top tbody tr').count()).toBe(9);
        } else {
          expect(await page.locator('#wf-table tbody tr').count()).toBe(4); // (60 - 20) / 10 windows
          expect(await page.locator('#wf-verdict').textContent()).toMatch(/^(OUT-OF-SAMPLE POSITIVE|NO OUT-OF-SAMPLE EDGE)/);
        }
        await page.screenshot({ path: join(resolve('test/artifacts'), `${dir}-report.png`), fullPage: true });
        expect(errors).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 180_000);
});
