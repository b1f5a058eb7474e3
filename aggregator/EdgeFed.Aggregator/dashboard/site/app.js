// Router and live refresh. The URL holds the view and its range (#/network?range=1w, #/pool/foundryusa?range=1m),
// so every view can be linked; the page polls /api/v1/status and redraws the view when the store has moved.
import { get, ranges } from './api.js';
import { disposeAll } from './charts.js';
import * as network from './views/network.js';
import * as federated from './views/federated.js';
import * as coverage from './views/coverage.js';
import * as pool from './views/pool.js';
import * as alerts from './views/alerts.js';
import * as agents from './views/agents.js';

const views = { network, federated, coverage, pool, alerts, agents };
const defaults = { network: '1m', federated: '24h', coverage: '24h', pool: '1m', alerts: 'all', agents: 'all' };
let version = null;
let current = null;

export function route() {
  const [path, query = ''] = (location.hash.replace(/^#\/?/, '') || 'network').split('?');
  const [name, ...rest] = path.split('/');
  const view = views[name] ? name : 'network';
  const params = new URLSearchParams(query);
  const range = ranges.includes(params.get('range')) ? params.get('range') : defaults[view];
  return { view, arg: rest.join('/') ? decodeURIComponent(rest.join('/')) : null, range, params };
}

export function link(view, arg, range, extra = {}) {
  const params = new URLSearchParams({ range, ...extra });
  return `#/${view}${arg ? '/' + encodeURIComponent(arg) : ''}?${params}`;
}

async function render(redraw) {
  const state = route();
  document.querySelectorAll('#views a').forEach((a) => a.classList.toggle('active', a.dataset.view === state.view));
  const bar = document.getElementById('ranges');
  bar.replaceChildren(...ranges.map((r) => {
    const button = document.createElement('button');
    button.textContent = r;
    button.dataset.range = r;
    button.classList.toggle('active', r === state.range);
    button.onclick = () => { location.hash = link(state.view, state.arg, r, Object.fromEntries([...state.params].filter(([k]) => k !== 'range'))); };
    return button;
  }));
  const main = document.getElementById('view');
  const key = `${state.view}/${state.arg}`;
  if (!redraw || current !== key) {
    disposeAll();
    main.replaceChildren();
    current = key;
  }
  main.dataset.view = state.view;
  main.dataset.loaded = 'false';
  try {
    await views[state.view].render(main, state);
    main.dataset.loaded = 'true';
  } catch (error) {
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = `Could not load this view: ${error.message}`;
    main.replaceChildren(p);
    main.dataset.loaded = 'error';
  }
}

async function poll() {
  try {
    const status = await get('/api/v1/status');
    const live = document.getElementById('live');
    if (version !== null && status.version !== version) {
      await render(true);
      live.classList.add('fresh');
      setTimeout(() => live.classList.remove('fresh'), 1500);
    }
    version = status.version;
    live.textContent = `live · updated ${new Date().toISOString().slice(11, 19)} UTC`;
  } catch {
    document.getElementById('live').textContent = 'offline';
  }
}

window.addEventListener('hashchange', () => render(false));
render(false);
poll();
setInterval(poll, Number(new URLSearchParams(location.search).get('refresh') ?? 10) * 1000);
