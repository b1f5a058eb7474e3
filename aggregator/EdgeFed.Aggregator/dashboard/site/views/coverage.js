// Coverage and provenance: who reports, how much of the network's hashrate the federation sees, what k-anonymity
// held back, and which figures are measured and which inferred.
import { get, pct, num, hashrate, escape } from '../api.js';
import { draw } from '../charts.js';
import { section, chartIn, tiles, table } from './parts.js';

export async function render(main, state) {
  const url = `/api/v1/coverage?range=${state.range}`;
  const c = await get(url);
  const s = section(main, 'coverage', 'Coverage', `k = ${c.k}: a hashrate figure is published only when at least ${c.k} agents back it`, true);
  s.dataset.source = url;
  tiles(s, [
    ['agents reporting', `${num(c.agents.reporting)} of ${num(c.agents.enrolled)}`, 'agents-reporting', `${c.agents.farm} farm · ${c.agents.sidecar} sidecar · ${c.agents.node} node`],
    ['federated hashrate', hashrate(c.federatedHashrateHs), 'federated-hashrate', c.federatedHashrateHs == null ? 'held back: fewer than k agents' : 'averaged from the first report in the range'],
    ['network hashrate', hashrate(c.networkHashrateHs), 'coverage-network-hashrate', 'estimated from the blocks'],
    ['share of the network seen', pct(c.federatedShareOfNetwork, 4), 'coverage-share'],
    ['blocks', num(c.blocks), 'coverage-blocks', `${c.disputedBlocks} disputed · ${c.unknownBlocks} unknown`],
  ]);
  draw(chartIn(s, 'coverage-chart'), {
    grid: { left: 150, right: 40, top: 20, bottom: 30 }, tooltip: { valueFormatter: hashrate },
    yAxis: { type: 'category', data: ['network (from blocks)', 'federated (agents)'] },
    xAxis: { type: 'log', axisLabel: { formatter: hashrate }, min: (v) => 10 ** (Math.floor(Math.log10(v.min)) - 1), max: (v) => 10 ** Math.ceil(Math.log10(v.max)) },
    series: [{ type: 'bar', data: [c.networkHashrateHs || null, c.federatedHashrateHs || null], itemStyle: { color: '#0b6bcb' } }],
  }, 'coverage');

  const k = section(main, 'suppressed', 'Held back by k-anonymity', 'entities per dimension over the range');
  table(k, 'suppressed-table', ['dimension', { num: 'published' }, { num: 'held back' }],
    Object.entries(c.suppressed).map(([d, v]) => ({ key: d, cells: [d.replace('_', ' '), { num: v.published }, { num: v.suppressed }] })));

  const p = section(main, 'provenance', 'Measured and inferred');
  p.insertAdjacentHTML('beforeend', `<h3>Measured</h3><ul>${c.measured.map((m) => `<li>${escape(m)}</li>`).join('')}</ul>` +
    `<h3>Inferred</h3><ul>${c.inferred.map((m) => `<li>${escape(m)}</li>`).join('')}</ul>`);
}
