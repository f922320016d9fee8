import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AuditRecord, ClosedTrade } from '../core/engine/events.ts';
import type { BarSeries } from '../core/market/bar.ts';
import type { Metrics } from '../core/report/metrics.ts';
import type { ParityVerdict } from './parity.ts';
import type { SweepSummary } from './sweep/sweepSummary.ts';
import type { WalkforwardSummary } from './sweep/walkforward.ts';

export interface HtmlReportInput {
  title: string;
  /** Key facts shown under the title (data file, config hash, code version...). */
  meta: Record<string, string>;
  /** The traded symbol's bars (the first configured symbol). */
  series: BarSeries;
  trades: readonly ClosedTrade[];
  /** Audit records: entry `fill` records carry the TP/SL levels drawn on the chart. */
  audit: readonly AuditRecord[];
  times: ArrayLike<number>;
  equity: ArrayLike<number>;
  metrics: Metrics;
  parity?: ParityVerdict | undefined;
  /** Sweeps: heatmap, top combinations and the overfitting verdict (the charts show the best combination). */
  sweep?: SweepSummary | undefined;
  /** Walk-forward: per-window in-sample vs out-of-sample metrics and the verdict. */
  walkforward?: WalkforwardSummary | undefined;
}

/** At most this many candles in the file: a year of 5m bars becomes 30m candles (~17.5k), <= 5 MB in all. */
export const MAX_CANDLES = 20_000;

let chartLib: string | undefined;
/** The standalone build's file name; Lambda bundles that render reports carry it next to index.mjs. */
export const CHART_LIB_FILE = 'lightweight-charts.standalone.production.js';
/** lightweight-charts (Apache-2.0), standalone build, inlined: the report works offline, no CDN. */
function lightweightCharts(): string {
  if (chartLib === undefined) {
    const beside = join(dirname(fileURLToPath(import.meta.url)), CHART_LIB_FILE);
    if (existsSync(beside)) chartLib = readFileSync(beside, 'utf8');
    else {
      const require = createRequire(import.meta.url);
      // the standalone build is not in the package's exports map: found next to its package.json
      chartLib = readFileSync(join(dirname(require.resolve('lightweight-charts/package.json')), 'dist', CHART_LIB_FILE), 'utf8');
    }
  }
  return chartLib;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;
const r6 = (x: number): number => Number(x.toPrecision(10));

/** The data the page's script draws from (column arrays, times in seconds as the chart library wants). */
export function reportData(i: HtmlReportInput): Record<string, unknown> {
  const s = i.series;
  const n = s.length;
  const k = Math.max(1, Math.ceil(n / MAX_CANDLES));
  const c: { t: number[]; o: number[]; h: number[]; l: number[]; c: number[] } = { t: [], o: [], h: [], l: [], c: [] };
  for (let a = 0; a < n; a += k) {
    const b = Math.min(n, a + k);
    let hi = -Infinity;
    let lo = Infinity;
    for (let j = a; j < b; j++) {
      hi = Math.max(hi, s.high[j]!);
      lo = Math.min(lo, s.low[j]!);
    }
    c.t.push(s.openTime[a]! / 1000);
    c.o.push(r6(s.open[a]!));
    c.h.push(r6(hi));
    c.l.push(r6(lo));
    c.c.push(r6(s.close[b - 1]!));
  }
  // Equity at the last close of each candle; drawdown at the deepest close of it, below the peak
  // so far from the starting capital (the max drawdown of the metrics is the chart's trough).
  const eq: { t: number[]; v: number[]; dd: number[] } = { t: [], v: [], dd: [] };
  let peak = i.metrics.capital;
  for (let a = 0; a < i.equity.length; a += k) {
    const b = Math.min(i.equity.length, a + k);
    let deepest = 0;
    for (let j = a; j < b; j++) {
      const e = i.equity[j]!;
      if (e > peak) peak = e;
      if (e - peak < deepest) deepest = e - peak;
    }
    eq.t.push(i.times[a]! / 1000);
    eq.v.push(r2(i.equity[b - 1]!));
    eq.dd.push(r2(deepest));
  }
  const levels = new Map<string, { tp: number; sl: number }>();
  for (const r of i.audit) if (r.type === 'fill' && r.kind === 'entry') levels.set(`${r.symbol}@${r.time}`, { tp: Number(r.tp), sl: Number(r.sl) });
  const trades = i.trades.map((t) => {
    const lv = levels.get(`${t.symbol}@${t.entryTime}`);
    return {
      symbol: t.symbol,
      entry: t.entryTime / 1000,
      exit: t.exitTime / 1000,
      side: t.side === 1 ? 'long' : 'short',
      qty: t.qty,
      entryPrice: r6(t.entryPrice),
      exitPrice: r6(t.exitPrice),
      fees: r6(t.fees),
      funding: r6(t.funding),
      pnl: r6(t.pnl),
      reason: t.reason,
      regime: t.regime,
      tp: lv?.tp ?? null,
      sl: lv?.sl ?? null,
    };
  });
  return { title: i.title, meta: i.meta, candleMinutes: (k * s.intervalMs) / 60_000, candles: c, equity: eq, trades, metrics: i.metrics, parity: i.parity ?? null, sweep: i.sweep ?? null, walkforward: i.walkforward ?? null, symbol: s.symbol };
}

const esc = (x: string): string => x.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

/** One self-contained HTML file: no network, charts on canvas, a sortable trade table, the parity diff. */
export function renderHtmlReport(i: HtmlReportInput): string {
  // `</script` cannot appear inside the JSON block: escape `<` (JSON stays valid).
  const data = JSON.stringify(reportData(i)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(i.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{padding:16px 24px;background:#1f2937;color:#f9fafb}header h1{margin:0 0 6px;font-size:20px}
header .meta{font-size:12px;color:#cbd5e1}main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.kpi{background:#f3f4f6;border-radius:4px;padding:6px 8px}.kpi b{display:block;font-size:16px}
.chart{height:380px}.small{height:220px}.grid3{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
canvas.bars{width:100%;height:220px}table{border-collapse:collapse;width:100%;font-size:12px}
th,td{padding:3px 6px;border-bottom:1px solid #eee;text-align:right}th{cursor:pointer;background:#f3f4f6;position:sticky;top:0}
th:first-child,td:first-child{text-align:left}.scroll{max-height:420px;overflow:auto}.pos{color:#15803d}.neg{color:#b91c1c}
.ok{color:#15803d;font-weight:bold}.bad{color:#b91c1c;font-weight:bold}
</style></head><body>
<header><h1>${esc(i.title)}</h1><div class="meta" id="meta"></div></header>
<main>
<section><h2>Summary</h2><div class="kpis" id="kpis"></div></section>
<section id="parity-section" hidden><h2>Parity (replay vs backtest, trade by trade)</h2><div id="parity"></div></section>
<section id="sweep-section" hidden><h2>Sweep</h2><p id="sweep-verdict"></p><canvas class="bars" id="heatmap" style="height:320px"></canvas><div class="scroll" style="max-height:260px"><table id="sweep-top"></table></div></section>
<section id="wf-section" hidden><h2>Walk-forward (out of sample)</h2><p id="wf-verdict"></p><div class="scroll"><table id="wf-table"></table></div></section>
<section><h2 id="price-title">Price</h2><div class="chart" id="price" data-chart="price"></div></section>
<section><h2>Equity and drawdown</h2><div class="small" id="equity" data-chart="equity"></div><div class="small" id="drawdown" data-chart="drawdown"></div></section>
<section><h2>P&amp;L breakdown</h2><div class="grid3">
<div><h3>by regime</h3><canvas class="bars" id="by-regime" data-chart="regime"></canvas></div>
<div><h3>by hour of entry (UTC)</h3><canvas class="bars" id="by-hour" data-chart="hour"></canvas></div>
<div><h3>by weekday of entry (UTC)</h3><canvas class="bars" id="by-weekday" data-chart="weekday"></canvas></div>
<div><h3>gate rejections by rule</h3><canvas class="bars" id="rejections" data-chart="rejections"></canvas></div>
</div></section>
<section><h2>Trades <small id="trade-count"></small></h2><div class="scroll"><table id="trades"><thead></thead><tbody></tbody></table></div></section>
</main>
<script type="application/json" id="report-data">${data}</script>
<script>${lightweightCharts()}</script>
<script>
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var LC = window.LightweightCharts;
  var fmt = function (x, d) { return x === null || x === undefined || !isFinite(x) ? '-' : Number(x).toFixed(d === undefined ? 2 : d); };
  var iso = function (s) { return new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 16); };
  document.getElementById('meta').textContent = Object.keys(D.meta).map(function (k) { return k + ': ' + D.meta[k]; }).join('  |  ');
  var m = D.metrics;
  var kpis = [['trades', m.trades], ['win rate', fmt(m.winRate * 100) + '%'], ['net P&L', fmt(m.netPnl) + ' USD (' + fmt(m.returnPct) + '%)'], ['fees', fmt(m.fees) + ' USD'], ['funding', fmt(m.funding) + ' USD'],
    ['max drawdown', fmt(m.maxDrawdownUsd) + ' USD (' + fmt(m.maxDrawdownPct) + '%)'], ['Sharpe', fmt(m.sharpe)], ['profit factor', fmt(m.profitFactor)], ['exposure', fmt(m.exposurePct) + '%'], ['final equity', fmt(m.finalEquity)]];
  document.getElementById('kpis').innerHTML = kpis.map(function (k) { return '<div class="kpi">' + k[0] + '<b>' + k[1] + '</b></div>'; }).join('');

  if (D.parity) {
    document.getElementById('parity-section').hidden = false;
    var p = D.parity, h = '<p class="' + (p.equal ? 'ok' : 'bad') + '">' + (p.equal ? 'PARITY OK' : 'PARITY FAILED') + ': backtest ' + p.backtestTrades + ' trades, replay ' + p.replayTrades + '</p>';
    if (p.mismatches.length) h += '<table><thead><tr><th>trade</th><th>field</th><th>backtest</th><th>replay</th></tr></thead><tbody>' + p.mismatches.map(function (x) { return '<tr><td>' + x.index + '</td><td>' + x.field + '</td><td>' + JSON.stringify(x.backtest) + '</td><td>' + JSON.stringify(x.replay) + '</td></tr>'; }).join('') + '</tbody></table>';
    document.getElementById('parity').innerHTML = h;
  }

  if (D.sweep) {
    var S = D.sweep, sec = document.getElementById('sweep-section');
    sec.hidden = false;
    document.getElementById('heatmap').setAttribute('data-chart', 'heatmap');
    document.getElementById('sweep-verdict').textContent = S.verdict + ' Best by ' + S.metric + ': ' + Object.keys(S.best.params).map(function (k) { return k + '=' + S.best.params[k]; }).join(' ') + ' (shown in the charts below).';
    var hm = document.getElementById('heatmap'), hr = window.devicePixelRatio || 1, hw = hm.clientWidth, hh = hm.clientHeight;
    hm.width = hw * hr; hm.height = hh * hr; var hg = hm.getContext('2d'); hg.scale(hr, hr); hg.fillStyle = '#fff'; hg.fillRect(0, 0, hw, hh);
    var cells = S.heatmap.cells, ny = cells.length, nx = S.heatmap.x.values.length, vals = [];
    cells.forEach(function (row) { row.forEach(function (v) { if (v !== null) vals.push(v); }); });
    var lo = Math.min.apply(null, vals.concat([0])), hi = Math.max.apply(null, vals.concat([0])), left = 60, bottom = 30, cw = (hw - left - 10) / nx, ch = (hh - bottom - 10) / ny;
    var color = function (v) { if (v === null) return '#e5e7eb'; var t = hi === lo ? 0.5 : (v - lo) / (hi - lo); var r = Math.round(220 - 200 * t), g = Math.round(38 + 160 * t); return 'rgb(' + r + ',' + g + ',60)'; };
    hg.font = '10px sans-serif'; hg.textAlign = 'center';
    for (var yy = 0; yy < ny; yy++) for (var xx = 0; xx < nx; xx++) { hg.fillStyle = color(cells[yy][xx]); hg.fillRect(left + xx * cw, 10 + (ny - 1 - yy) * ch, Math.max(1, cw - 1), Math.max(1, ch - 1)); }
    hg.fillStyle = '#374151';
    var stepX = Math.max(1, Math.ceil(nx / 12));
    for (var xx2 = 0; xx2 < nx; xx2 += stepX) hg.fillText(String(S.heatmap.x.values[xx2]), left + (xx2 + 0.5) * cw, hh - 14);
    hg.fillText(S.heatmap.x.key, left + (hw - left) / 2, hh - 2);
    hg.textAlign = 'right';
    if (S.heatmap.y) { var stepY = Math.max(1, Math.ceil(ny / 10)); for (var yy2 = 0; yy2 < ny; yy2 += stepY) hg.fillText(String(S.heatmap.y.values[yy2]), left - 4, 10 + (ny - 1 - yy2 + 0.5) * ch + 3); hg.save(); hg.translate(10, hh / 2); hg.rotate(-Math.PI / 2); hg.textAlign = 'center'; hg.fillText(S.heatmap.y.key, 0, 0); hg.restore(); }
    var keys = Object.keys(S.best.params);
    document.getElementById('sweep-top').innerHTML = '<thead><tr><th>#</th>' + keys.map(function (k) { return '<th>' + k + '</th>'; }).join('') + '<th>' + S.metric + '</th></tr></thead><tbody>' + S.top.map(function (r) { return '<tr><td>' + r.index + '</td>' + keys.map(function (k) { return '<td>' + r.params[k] + '</td>'; }).join('') + '<td>' + fmt(r.value, 4) + '</td></tr>'; }).join('') + '</tbody>';
  }
  if (D.walkforward) {
    var W = D.walkforward;
    document.getElementById('wf-section').hidden = false;
    document.getElementById('wf-verdict').textContent = W.verdict;
    document.getElementById('wf-table').innerHTML = '<thead><tr><th>window</th><th>train</th><th>test</th><th>chosen</th><th>IS ' + W.metric + '</th><th>OOS ' + W.metric + '</th><th>OOS trades</th><th>OOS P&amp;L</th></tr></thead><tbody>' + W.windows.map(function (w, k) { return '<tr><td>' + (k + 1) + '</td><td>' + w.trainFrom.slice(0, 10) + ' .. ' + w.trainTo.slice(0, 10) + '</td><td>' + w.testFrom.slice(0, 10) + ' .. ' + w.testTo.slice(0, 10) + '</td><td>' + Object.keys(w.params).map(function (p) { return p + '=' + w.params[p]; }).join(' ') + '</td><td>' + fmt(w.isMetric, 4) + '</td><td>' + fmt(w.oosMetric, 4) + '</td><td>' + w.oosTrades + '</td><td class="' + (w.oosPnl >= 0 ? 'pos' : 'neg') + '">' + fmt(w.oosPnl) + '</td></tr>'; }).join('') + '</tbody>';
  }

  var opts = function (el) { return { width: el.clientWidth, height: el.clientHeight, layout: { background: { color: '#ffffff' }, textColor: '#333' }, timeScale: { timeVisible: true, secondsVisible: false, minBarSpacing: 0.001 }, rightPriceScale: { borderVisible: false }, grid: { vertLines: { color: '#f0f0f0' }, horzLines: { color: '#f0f0f0' } } }; };
  var charts = [];
  // Price: candles, entry/exit markers, TP and SL levels of each trade.
  document.getElementById('price-title').textContent = 'Price ' + D.symbol + ' (' + D.candleMinutes + 'm candles), entries, exits, TP/SL';
  var pe = document.getElementById('price'), price = LC.createChart(pe, opts(pe)); charts.push(price);
  var C = D.candles, candles = [];
  for (var i = 0; i < C.t.length; i++) candles.push({ time: C.t[i], open: C.o[i], high: C.h[i], low: C.l[i], close: C.c[i] });
  var cs = price.addSeries(LC.CandlestickSeries, { upColor: '#16a34a', downColor: '#dc2626', wickUpColor: '#16a34a', wickDownColor: '#dc2626', borderVisible: false });
  cs.setData(candles);
  // a marker sits on the candle that holds its time
  var snap = function (t) { var lo = 0, hi = C.t.length - 1; while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (C.t[mid] <= t) lo = mid; else hi = mid - 1; } return C.t[lo]; };
  var markers = [];
  D.trades.forEach(function (t) {
    var long = t.side === 'long';
    markers.push({ time: snap(t.entry), position: long ? 'belowBar' : 'aboveBar', color: long ? '#2563eb' : '#9333ea', shape: long ? 'arrowUp' : 'arrowDown', text: long ? 'L' : 'S', id: 'entry' });
    markers.push({ time: snap(t.exit), position: 'inBar', color: t.pnl >= 0 ? '#16a34a' : '#dc2626', shape: 'circle', text: t.reason, id: 'exit' });
  });
  markers.sort(function (a, b) { return a.time - b.time; });
  var mk = LC.createSeriesMarkers(cs, markers);
  var tp = [], sl = [];
  var levelSeries = function (list, key) {
    var out = [], last = -Infinity;
    D.trades.forEach(function (t) {
      if (t[key] === null) return;
      var a = snap(t.entry), b = snap(t.exit);
      if (a <= last) return; // overlapping segments on coarse candles: keep the first
      if (out.length) out.push({ time: a - 1 });
      out.push({ time: a, value: t[key] });
      if (b > a) out.push({ time: b, value: t[key] });
      last = b;
    });
    return out.filter(function (x, j, arr) { return j === 0 || x.time > arr[j - 1].time; });
  };
  tp = levelSeries(D.trades, 'tp'); sl = levelSeries(D.trades, 'sl');
  price.addSeries(LC.LineSeries, { color: '#16a34a', lineWidth: 1, lineStyle: 2, priceLineVisible: false, lastValueVisible: false }).setData(tp);
  price.addSeries(LC.LineSeries, { color: '#dc2626', lineWidth: 1, lineStyle: 2, priceLineVisible: false, lastValueVisible: false }).setData(sl);
  price.timeScale().fitContent();

  // Equity and drawdown.
  var E = D.equity, eqData = [], ddData = [];
  for (var j = 0; j < E.t.length; j++) { eqData.push({ time: E.t[j], value: E.v[j] }); ddData.push({ time: E.t[j], value: E.dd[j] }); }
  var ee = document.getElementById('equity'), eqc = LC.createChart(ee, opts(ee)); charts.push(eqc);
  eqc.addSeries(LC.LineSeries, { color: '#1d4ed8', lineWidth: 2 }).setData(eqData); eqc.timeScale().fitContent();
  var de = document.getElementById('drawdown'), ddc = LC.createChart(de, opts(de)); charts.push(ddc);
  ddc.addSeries(LC.AreaSeries, { lineColor: '#b91c1c', topColor: 'rgba(185,28,28,0.05)', bottomColor: 'rgba(185,28,28,0.4)', invertFilledArea: true }).setData(ddData); ddc.timeScale().fitContent();

  // Bar charts (own canvas code: a few bars do not need a library).
  // unit 'n': counts (blue bars from zero up); else money (green above zero, red below).
  var bars = function (id, labels, values, unit) {
    var cv = document.getElementById(id), r = window.devicePixelRatio || 1, w = cv.clientWidth, h = cv.clientHeight;
    cv.width = w * r; cv.height = h * r; var g = cv.getContext('2d'); g.scale(r, r);
    g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
    if (!labels.length) { g.fillStyle = '#6b7280'; g.font = '14px sans-serif'; g.textAlign = 'center'; g.fillText('none', w / 2, h / 2); return; }
    var max = Math.max.apply(null, values.map(Math.abs).concat([1e-9])), pad = 24, bw = (w - 2 * pad) / Math.max(1, labels.length), span = unit === 'n' ? h - 2 * pad : (h - 27 - pad) / 2, zero = unit === 'n' ? h - pad : pad + span;
    g.strokeStyle = '#9ca3af'; g.beginPath(); g.moveTo(pad, zero); g.lineTo(w - pad, zero); g.stroke();
    g.font = '10px sans-serif'; g.textAlign = 'center';
    // money: the value under a loss bar ends 16 px above the category labels (baseline h - 6)
    labels.forEach(function (lab, k) {
      var v = values[k], bh = (Math.abs(v) / max) * span, x = pad + k * bw;
      g.fillStyle = unit === 'n' ? '#2563eb' : v >= 0 ? '#16a34a' : '#dc2626';
      g.fillRect(x + 2, v >= 0 ? zero - bh : zero, Math.max(1, bw - 4), bh);
      g.fillStyle = '#374151'; g.fillText(lab, x + bw / 2, h - 6);
      if (labels.length <= 12) g.fillText(fmt(v, unit === 'n' ? 0 : 2), x + bw / 2, v >= 0 ? zero - bh - 3 : zero + bh + 11);
    });
  };
  var sum = function (keyOf, keys) { var o = {}; keys.forEach(function (k) { o[k] = 0; }); D.trades.forEach(function (t) { var k = keyOf(t); o[k] = (o[k] || 0) + t.pnl; }); return keys.map(function (k) { return o[k]; }); };
  var regimes = Object.keys(m.pnlByRegime).length ? Object.keys(m.pnlByRegime) : ['trend_up', 'trend_down'];
  bars('by-regime', regimes, regimes.map(function (r) { return m.pnlByRegime[r] ? m.pnlByRegime[r].pnl : 0; }), 'usd');
  var hours = []; for (var hh = 0; hh < 24; hh++) hours.push(String(hh));
  bars('by-hour', hours, sum(function (t) { return String(new Date(t.entry * 1000).getUTCHours()); }, hours), 'usd');
  var wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  bars('by-weekday', wd, sum(function (t) { return wd[new Date(t.entry * 1000).getUTCDay()]; }, wd), 'usd');
  var rules = Object.keys(m.gateRejections).filter(function (r) { return m.gateRejections[r] > 0; });
  bars('rejections', rules.map(function (r) { return r.replace(/_/g, ' '); }), rules.map(function (r) { return m.gateRejections[r]; }), 'n');

  // Trade table, sortable by any column (click again to reverse).
  var cols = [['#', 'n'], ['entry', 'entry'], ['exit', 'exit'], ['side', 'side'], ['qty', 'qty'], ['entry price', 'entryPrice'], ['exit price', 'exitPrice'], ['fees', 'fees'], ['funding', 'funding'], ['pnl', 'pnl'], ['reason', 'reason'], ['regime', 'regime']];
  var rows = D.trades.map(function (t, k) { var o = Object.assign({ n: k + 1 }, t); return o; });
  var table = document.getElementById('trades');
  table.tHead.innerHTML = '<tr>' + cols.map(function (c) { return '<th data-key="' + c[1] + '">' + c[0] + '</th>'; }).join('') + '</tr>';
  var cell = function (r, key) { var v = r[key]; if (key === 'entry' || key === 'exit') return iso(v); if (typeof v === 'number' && key !== 'n' && key !== 'qty') return fmt(v, key === 'entryPrice' || key === 'exitPrice' ? 2 : 4); return String(v); };
  var render = function () { table.tBodies[0].innerHTML = rows.map(function (r) { return '<tr>' + cols.map(function (c) { var cls = c[1] === 'pnl' ? (r.pnl >= 0 ? ' class="pos"' : ' class="neg"') : ''; return '<td' + cls + '>' + cell(r, c[1]) + '</td>'; }).join('') + '</tr>'; }).join(''); };
  var sortKey = 'n', dir = 1;
  table.tHead.addEventListener('click', function (e) {
    var key = e.target && e.target.getAttribute('data-key'); if (!key) return;
    dir = key === sortKey ? -dir : 1; sortKey = key;
    rows.sort(function (a, b) { var x = a[key], y = b[key]; return (x < y ? -1 : x > y ? 1 : 0) * dir || a.n - b.n; });
    render();
  });
  render();
  document.getElementById('trade-count').textContent = '(' + rows.length + ')';
  window.addEventListener('resize', function () { charts.forEach(function (c) { var el = c.chartElement().parentElement; c.resize(el.clientWidth, el.clientHeight); }); });
  // For people and for the browser test: what the chart holds.
  window.mftReport = { markers: function () { return mk.markers(); }, trades: rows.length, ready: true };
})();
</script>
</body></html>
`;
}
