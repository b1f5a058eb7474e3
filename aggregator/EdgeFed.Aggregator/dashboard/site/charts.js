// echarts (from npm, copied beside the page by the build) with what every chart here shares: an entity keeps its
// colour in every view and range (a hash of its name picks it), and every chart can be saved as a PNG.
import * as echarts from './lib/echarts.js';

// Twenty hues far apart (blues, oranges, greens, reds, purples, browns, pinks, greys, olives, teals; dark and light).
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#9edae5', '#dbdb8d', '#637939'];

// The largest pools, the template-provider group and the vendors get fixed, distinct colours; anything else a hash.
const fixed = {
  foundryusa: 0, antpool: 1, 'AntPool & friends': 1, f2pool: 2, viabtc: 3, marapool: 4, spiderpool: 5, binancepool: 6, luxor: 7,
  secpool: 8, braiinspool: 9, oceanxyz: 10, ocean: 10, poolin: 11, sbicrypto: 12, ultimuspool: 13, btccom: 14, miningsquared: 15, whitepool: 16,
  Bitmain: 0, MicroBT: 1, Canaan: 2, Bitdeer: 3, Auradine: 4, Proto: 5, 'Bitaxe/open-source': 6, ePIC: 7,
  Healthy: 2, Overheating: 3, HashboardFault: 1, FanFault: 4, Underperforming: 8, Curtailed: 7, Offline: 18,
};

export function colourOf(entity) {
  if (entity === 'Other') return '#adb5bd';
  if (entity === 'unknown') return '#868e96';
  if (entity in fixed) return palette[fixed[entity]];
  let h = 2166136261;
  for (const c of entity) h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0;
  return palette[h % palette.length];
}

const charts = new Map();

/** Creates (or reuses, so a live refresh redraws without flicker) the chart in the element and sets its option. */
export function draw(element, option, name) {
  let chart = charts.get(element);
  if (!chart || chart.isDisposed()) {
    chart = echarts.init(element, null, { renderer: 'canvas' });
    charts.set(element, chart);
    new ResizeObserver(() => chart.resize()).observe(element);
  }
  option.toolbox = { feature: { saveAsImage: { name: `edgefed-${name}`, title: 'PNG', pixelRatio: 2 } }, right: 8, top: 0 };
  option.animation = false;
  chart.setOption(option, { notMerge: true });
  element.dataset.ready = 'true';
  return chart;
}

export function disposeAll() {
  for (const chart of charts.values()) chart.dispose();
  charts.clear();
}

export const pctAxis = { type: 'value', axisLabel: { formatter: (v) => `${Math.round(v * 100)} %` } };
