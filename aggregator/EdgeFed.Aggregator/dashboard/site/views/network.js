// Network, block basis: ranking with intervals and "Other", dominance over time, the MCI chart, HHI and Nakamoto
// over time against the HHI bands, and block runs.
import { get, pct, num, hashrate, day, escape } from '../api.js';
import { draw, colourOf, pctAxis } from '../charts.js';
import { section, chartIn, tiles, table, empty, csvLink } from './parts.js';
import { concentrationUrl, stepOf, withOther } from './common.js';
import { link } from '../app.js';

export async function render(main, state) {
  const { range, params } = state;
  const step = stepOf(range);
  const ma = ['1', '7', '30', '90'].includes(params.get('ma')) ? params.get('ma') : '30';
  const group = params.get('group') === 'proxy' ? 'proxy' : 'none';
  const urls = {
    ranking: concentrationUrl('pool', 'blocks', range),
    coverage: `/api/v1/coverage?range=${range}`,
    shares: `/api/v1/series/shares?basis=blocks&dimension=pool&range=${range}&step=${step}`,
    series: `/api/v1/series/concentration?basis=blocks&dimension=pool&range=${range}&step=${step}`,
    mci: `/api/v1/mci?range=${range}&ma=${ma}&group=${group}`,
    runs: `/api/v1/runs?range=${range}&min=4`,
  };
  const [ranking, coverage, shares, series, mci, runs] = await Promise.all(Object.values(urls).map(get));

  const head = section(main, 'summary', 'Network, block basis', `${num(ranking.total)} blocks in ${range}`, true);
  head.dataset.source = urls.ranking;
  const i = ranking.intervals;
  tiles(head, [
    ['blocks', num(ranking.total), 'blocks'],
    ['top-2 share', pct(ranking.cr2), 'cr2', i ? `95 %: ${pct(i.top2.low)} – ${pct(i.top2.high)}` : ''],
    ['top-6 share', pct(ranking.cr6), 'cr6', i ? `95 %: ${pct(i.top6.low)} – ${pct(i.top6.high)}` : ''],
    ['HHI', num(ranking.hhi), 'hhi', `${ranking.hhiBand2010 ?? ''}${i ? ` · 95 %: ${num(i.hhi.low)} – ${num(i.hhi.high)}` : ''}`],
    ['Nakamoto coefficient', num(ranking.nakamotoCoefficient ?? 0), 'nakamoto'],
    ['network hashrate', hashrate(coverage.networkHashrateHs), 'network-hashrate', 'from difficulty and block times'],
  ]);

  const rank = section(main, 'ranking', 'Pool ranking', 'share of blocks, 95 % Wilson intervals; pools past the tenth as "Other"');
  rank.dataset.source = urls.ranking;
  const rows = withOther(ranking.shares ?? []);
  if (rows.length === 0) empty(rank, 'No blocks in this range.');
  else {
    draw(chartIn(rank, 'ranking-chart'), {
      grid: { left: 110, right: 30, top: 30, bottom: 30 },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.entity) },
      xAxis: pctAxis,
      series: [{ type: 'bar', data: rows.map((r) => ({ value: r.share, itemStyle: { color: colourOf(r.entity) } })), label: { show: true, position: 'right', formatter: (p) => pct(p.value) } }],
      tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v) },
    }, 'ranking');
    table(rank, 'ranking-table', ['#', 'pool', { num: 'blocks' }, { num: 'share' }, { num: '95 % interval' }], rows.map((r, n) => ({
      key: r.entity,
      cells: [r.entity === 'Other' ? '' : String(n + 1),
        r.entity === 'Other' ? `Other (${r.others} pools)` : { html: `<span class="swatch" style="background:${colourOf(r.entity)}"></span><a href="${link('pool', r.entity, range)}">${escape(r.entity)}</a>` },
        { num: num(r.value) }, { num: pct(r.share) }, { num: r.interval ? `${pct(r.interval.low)} – ${pct(r.interval.high)}` : '' }],
    })));
  }

  const dom = section(main, 'dominance', 'Pool dominance over time', `share of each ${step}'s blocks`);
  dom.dataset.source = urls.shares;
  csvLink(dom, urls.shares);
  const times = [...new Set(shares.points.map((p) => p.timestamp))].sort((a, b) => a - b);
  const totals = new Map();
  for (const p of shares.points) totals.set(p.entity, (totals.get(p.entity) ?? 0) + p.value);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([e]) => e);
  const byKey = new Map(shares.points.map((p) => [`${p.timestamp}|${p.entity}`, p.share]));
  const other = times.map((t) => 1 - top.reduce((a, e) => a + (byKey.get(`${t}|${e}`) ?? 0), 0));
  draw(chartIn(dom, 'dominance-chart'), {
    legend: { top: 0, type: 'scroll', right: 60 }, grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: times.map(day) }, yAxis: { ...pctAxis, max: 1 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v) },
    series: [...top.map((e) => ({ name: e, type: 'line', stack: 'share', areaStyle: {}, symbol: 'none', color: colourOf(e), data: times.map((t) => byKey.get(`${t}|${e}`) ?? 0) })),
      { name: 'Other', type: 'line', stack: 'share', areaStyle: {}, symbol: 'none', color: colourOf('Other'), data: other.map((v) => Math.max(0, v)) }],
  }, 'dominance');

  const mciSection = section(main, 'mci', 'Mining Centralization Index', `daily top-2 … top-6 block shares, ${ma}-day moving average${group === 'proxy' ? ', proxy group merged' : ''}`);
  mciSection.dataset.source = urls.mci;
  csvLink(mciSection, urls.mci);
  const controls = document.createElement('span');
  controls.className = 'controls';
  controls.innerHTML = `<label>MA <select id="mci-ma">${['1', '7', '30', '90'].map((m) => `<option${m === ma ? ' selected' : ''}>${m}</option>`).join('')}</select></label>` +
    `<label><input type="checkbox" id="mci-proxy"${group === 'proxy' ? ' checked' : ''}> merge "AntPool &amp; friends"</label>`;
  mciSection.querySelector('h2').append(controls);
  const relink = () => { location.hash = link('network', null, range, { ma: controls.querySelector('#mci-ma').value, group: controls.querySelector('#mci-proxy').checked ? 'proxy' : 'none' }); };
  controls.querySelector('#mci-ma').onchange = relink;
  controls.querySelector('#mci-proxy').onchange = relink;
  draw(chartIn(mciSection, 'mci-chart'), {
    legend: { top: 0 }, grid: { left: 50, right: 20, top: 40, bottom: 30 }, tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v) },
    xAxis: { type: 'category', data: mci.days.map((d) => d.day) }, yAxis: { ...pctAxis, max: 1 },
    series: mci.tops.map((n, k) => ({ name: `top-${n}`, type: 'line', symbol: 'none', data: mci.days.map((d) => d.movingAverage[k]) })),
  }, 'mci');

  const hhi = section(main, 'hhi', 'HHI and Nakamoto coefficient over time', 'HHI with its 95 % interval; bands of the 2010 US merger guidelines, 1800 of 2023');
  hhi.dataset.source = urls.series;
  csvLink(hhi, urls.series);
  const pts = series.points;
  draw(chartIn(hhi, 'hhi-chart'), {
    legend: { top: 0, data: ['HHI', 'HHI 95 %', 'Nakamoto'] }, grid: { left: 50, right: 50, top: 50, bottom: 30 }, tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: pts.map((p) => day(p.timestamp)) },
    yAxis: [{ type: 'value', name: 'HHI', min: 0 }, { type: 'value', name: 'Nakamoto', min: 0, minInterval: 1 }],
    series: [
      { name: 'HHI low', type: 'line', data: pts.map((p) => p.hhiLow), lineStyle: { opacity: 0 }, stack: 'ci', symbol: 'none', tooltip: { show: false } },
      { name: 'HHI 95 %', type: 'line', data: pts.map((p) => (p.hhiHigh ?? 0) - (p.hhiLow ?? 0)), lineStyle: { opacity: 0 }, areaStyle: { color: '#0b6bcb', opacity: 0.15 }, stack: 'ci', symbol: 'none' },
      { name: 'HHI', type: 'line', data: pts.map((p) => p.hhi), color: '#0b6bcb', symbol: 'none',
        markArea: { silent: true, data: [[{ yAxis: 0, itemStyle: { color: 'rgba(47,158,68,0.06)' } }, { yAxis: 1500 }], [{ yAxis: 1500, itemStyle: { color: 'rgba(240,140,0,0.08)' } }, { yAxis: 2500 }], [{ yAxis: 2500, itemStyle: { color: 'rgba(201,42,42,0.08)' } }, { yAxis: 10000 }]] },
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: 1800, label: { formatter: '1800 (2023)', position: 'insideEndTop' } }] } },
      { name: 'Nakamoto', type: 'line', step: 'middle', yAxisIndex: 1, data: pts.map((p) => p.nakamoto), color: '#c2255c', symbol: 'none' },
    ],
  }, 'hhi');

  const runSection = section(main, 'runs', 'Block runs', 'four or more consecutive blocks by one pool; probability at its share of the range');
  runSection.dataset.source = urls.runs;
  csvLink(runSection, urls.runs);
  if (runs.runs.length === 0) empty(runSection, 'No run of four or more blocks in this range.');
  else table(runSection, 'runs-table', ['pool', { num: 'length' }, 'heights', { num: 'share' }, { num: 'probability' }], runs.runs.slice(0, 25).map((r) => ({
    key: `${r.pool}:${r.firstHeight}`, cells: [r.pool, { num: r.length }, `${r.firstHeight}–${r.lastHeight}`, { num: pct(r.share) }, { num: r.probability.toExponential(2) }],
  })));
}
