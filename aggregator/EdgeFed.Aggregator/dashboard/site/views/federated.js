// Federated, hashrate basis: every dimension the agents report, each entity's share of the published hashrate,
// with the block basis beside it where blocks are attributed too (pools, template providers).
import { get, pct, num } from '../api.js';
import { draw, colourOf, pctAxis } from '../charts.js';
import { section, chartIn, table, empty } from './parts.js';
import { concentrationUrl, withOther } from './common.js';

const dimensions = [['pool', 'Pool'], ['template_provider', 'Template provider'], ['vendor', 'ASIC vendor'], ['model', 'ASIC model'], ['region', 'Region'], ['health', 'Hardware health']];

export async function render(main, state) {
  const { range } = state;
  for (const [dimension, title] of dimensions) {
    const hashUrl = concentrationUrl(dimension, 'hashrate', range);
    const blockUrl = ['pool', 'template_provider'].includes(dimension) ? concentrationUrl(dimension, 'blocks', range) : null;
    const [hash, blocks] = await Promise.all([get(hashUrl), blockUrl ? get(blockUrl) : null]);
    const s = section(main, `fed-${dimension}`, title,
      `${num(hash.contributingAgents)} agents · ${num(hash.total, 1)} TH/s·windows published · ${hash.suppressedEntities} held back (fewer than k agents)`);
    s.dataset.source = hashUrl;
    const rows = withOther(hash.shares ?? []);
    if (rows.length === 0) { empty(s, 'Nothing published for this range: no entity is backed by k agents.'); continue; }
    const blockShare = new Map((blocks?.shares ?? []).map((b) => [b.entity, b.share]));
    const series = [{ name: 'hashrate', type: 'bar', data: rows.map((r) => ({ value: r.share, itemStyle: { color: colourOf(r.entity) } })) }];
    if (blocks) series.push({ name: 'blocks', type: 'bar', data: rows.map((r) => blockShare.get(r.entity) ?? 0), itemStyle: { color: '#adb5bd' } });
    draw(chartIn(s, `fed-${dimension}-chart`), {
      legend: blocks ? { top: 0 } : undefined, grid: { left: 130, right: 40, top: 30, bottom: 30 }, tooltip: { trigger: 'axis', valueFormatter: (v) => pct(v) },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.entity) }, xAxis: pctAxis, series,
    }, `federated-${dimension}`);
    table(s, `fed-${dimension}-table`, ['entity', { num: 'share (hashrate)' }, ...(blocks ? [{ num: 'share (blocks)' }] : []), { num: 'share-based TH/s' }],
      rows.map((r) => ({
        key: r.entity,
        cells: [r.entity, { num: pct(r.share) }, ...(blocks ? [{ num: pct(blockShare.get(r.entity)) }] : []),
          { num: r.shares > 0 ? `${num(r.shareBasedThs, 1)} ±${pct(r.shareRelativeError, 0)}${r.shareDisagrees ? ' ⚠' : ''}` : '–' }],
      })));
  }
}
