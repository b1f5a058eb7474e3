// Alerts with their evidence, as the console and the gRPC API list them.
import { get, escape } from '../api.js';
import { section, table, empty } from './parts.js';

export async function render(main) {
  const url = '/api/v1/alerts?limit=200';
  const { alerts = [] } = await get(url);
  const s = section(main, 'alerts', 'Alerts', 'share alerts need the 95 % interval above the threshold and a minimum of blocks; runs state their probability', true);
  s.dataset.source = url;
  if (alerts.length === 0) { empty(s, 'No alert raised.'); return; }
  table(s, 'alerts-table', ['raised', 'kind', 'subject', 'period', 'message', 'evidence'], alerts.map((a) => ({
    key: `${a.kind}:${a.subject}:${a.period}`,
    cells: [a.raisedAt.replace('T', ' ').slice(0, 16), a.kind, a.subject, a.period, a.message,
      { html: `<details><summary>JSON</summary><pre>${escape(JSON.stringify(JSON.parse(a.evidenceJson || '{}'), null, 1))}</pre></details>` }],
  })));
}
