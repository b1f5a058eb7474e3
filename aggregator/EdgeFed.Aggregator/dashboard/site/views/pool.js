// One pool: its blocks, its share with the interval, luck against its federated hashrate share (Poisson interval),
// its runs and its template-provider group. Without a pool in the URL, the pools of the range to choose from.
import { get, pct, num, when, escape } from '../api.js';
import { draw, colourOf } from '../charts.js';
import { section, chartIn, tiles, table, empty } from './parts.js';
import { concentrationUrl } from './common.js';
import { link } from '../app.js';

export async function render(main, state) {
  const { range, arg } = state;
  const listUrl = concentrationUrl('pool', 'blocks', range);
  const list = await get(listUrl);
  const pick = section(main, 'pool-pick', 'Pools', 'choose one', true);
  const select = document.createElement('select');
  select.id = 'pool-select';
  select.innerHTML = `<option value="">—</option>` + (list.shares ?? []).map((s) => `<option value="${escape(s.entity)}"${s.entity === arg ? ' selected' : ''}>${escape(s.entity)} (${num(s.value)})</option>`).join('');
  select.onchange = () => { location.hash = link('pool', select.value, range); };
  pick.append(select);
  if (!arg) return;

  const url = `/api/v1/pools/${encodeURIComponent(arg)}?range=${range}`;
  const p = await get(url);
  const s = section(main, 'pool', p.name, `${p.slug} · template provider: ${p.templateProvider}`, true);
  s.dataset.source = url;
  tiles(s, [
    ['blocks', `${num(p.blocks)} of ${num(p.totalBlocks)}`, 'pool-blocks'],
    ['share of blocks', pct(p.share), 'pool-share', `95 %: ${pct(p.shareLow)} – ${pct(p.shareHigh)}`],
    ['federated hashrate share', pct(p.federatedShare), 'pool-federated-share', p.federatedShare == null ? 'not published (fewer than k agents)' : ''],
    ['luck', p.luck == null ? '–' : pct(p.luck, 0), 'pool-luck', p.luck == null ? 'needs a federated share' : `95 %: ${pct(p.luckLow, 0)} – ${pct(p.luckHigh, 0)} · ${num(p.expectedBlocks, 1)} expected`],
    ['longest run', num(p.longestRun), 'pool-longest-run'],
    ['empty blocks', num(p.emptyBlocks), 'pool-empty'],
  ]);
  if (p.groupMembers.length) s.insertAdjacentHTML('beforeend', `<p class="muted">Group “${escape(p.templateProvider)}”: ${p.groupMembers.map(escape).join(', ')}</p>`);
  draw(chartIn(s, 'pool-chart'), {
    grid: { left: 60, right: 20, top: 20, bottom: 30 }, tooltip: {},
    xAxis: { type: 'category', data: ['observed', 'expected'] }, yAxis: { type: 'value', name: 'blocks' },
    series: [{ type: 'bar', data: [p.blocks, p.expectedBlocks ?? 0], itemStyle: { color: colourOf(p.slug) } }],
  }, `pool-${p.slug}`);

  const recent = section(main, 'pool-recent', 'Recent blocks');
  if (p.recent.length === 0) empty(recent, 'No block in this range.');
  else table(recent, 'pool-recent-table', [{ num: 'height' }, 'time', 'attribution', { num: 'node agents' }], p.recent.map((b) => ({
    key: String(b.height), cells: [{ num: b.height }, when(b.time), b.method + (b.disputed ? ' (disputed)' : ''), { num: b.observers }],
  })));
  const runs = section(main, 'pool-runs', 'Runs', 'two or more consecutive blocks');
  if (p.runs.length === 0) empty(runs, 'No run in this range.');
  else table(runs, 'pool-runs-table', [{ num: 'length' }, 'heights', { num: 'probability' }], p.runs.map((r) => ({
    key: String(r.firstHeight), cells: [{ num: r.length }, `${r.firstHeight}–${r.lastHeight}`, { num: r.probability.toExponential(2) }],
  })));
}
