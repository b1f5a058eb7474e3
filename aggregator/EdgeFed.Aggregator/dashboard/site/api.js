// The dashboard's only way to data: the aggregator's own HTTP API (the same answers scripts get).
export async function get(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || body.message || `${path}: HTTP ${response.status}`);
  return body;
}

export const ranges = ['24h', '3d', '1w', '1m', '3m', '6m', '1y', 'all'];

export const pct = (x, digits = 1) => (x == null || Number.isNaN(x) ? '–' : `${(100 * x).toFixed(digits)} %`);
export const num = (x, digits = 0) => (x == null ? '–' : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
export function hashrate(hs) {
  if (hs == null) return '–';
  const units = [['ZH/s', 1e21], ['EH/s', 1e18], ['PH/s', 1e15], ['TH/s', 1e12], ['GH/s', 1e9]];
  const [unit, scale] = units.find(([, s]) => hs >= s) ?? ['H/s', 1];
  return `${(hs / scale).toFixed(2)} ${unit}`;
}
export const day = (unix) => new Date(unix * 1000).toISOString().slice(0, 10);
export const when = (unix) => new Date(unix * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
export const escape = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
