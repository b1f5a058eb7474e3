// Agents with their last report (ids, regions and kinds only: no key, no cell of any one agent); for a regional
// aggregator, how many agents reported to it in its latest window.
import { get } from '../api.js';
import { section, table, empty } from './parts.js';

export async function render(main) {
  const url = '/api/v1/agents';
  const { agents = [] } = await get(url);
  const s = section(main, 'agents', 'Agents', `${agents.length} enrolled`, true);
  s.dataset.source = url;
  if (agents.length === 0) { empty(s, 'No agent enrolled.'); return; }
  table(s, 'agents-table', ['agent', 'region', 'kind', 'last report', { num: 'reports' }, { num: 'agents behind' }], agents.map((a) => ({
    key: a.agentId,
    cells: [a.agentId, a.region, (a.kind ?? '').replace('AGENT_KIND_', '').toLowerCase(), a.lastReport ? a.lastReport.replace('T', ' ').slice(0, 19) + ' UTC' : 'never', { num: a.reports }, a.kind === 'AGENT_KIND_AGGREGATOR' ? { num: a.agentsBehind ?? 0 } : ''],
  })));
}
