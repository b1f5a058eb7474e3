// echarts (from npm, copied beside the page by the build) with what every chart here shares: an entity keeps its
// colour in every view and range (a hash of its name picks it), and every chart can be saved as a PNG.
import * as echarts from './lib/echarts.js';

// Twenty hues far apart (blues, oranges, greens, reds, purples, browns, pinks, greys, olives, teals; dark and light).
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#393b79',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#9edae5', '#dbdb8d', '#637939'];

export function colourOf(entity) {
  if (entity === 'Other') return '#adb5bd';
  if (entity === 'unknown') return '#868e96';
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
  option.toolbox = { feature: { saveAsImage: { name: `edgefed-${name}`, title: 'PNG', pixelRatio: 2 } }, right: 8 };
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
