// Building blocks of the views: a titled section, KPI tiles, tables.
import { escape } from '../api.js';

export function section(main, id, title, note = '', wide = false) {
  let s = main.querySelector(`section#${id}`);
  if (!s) {
    s = document.createElement('section');
    s.id = id;
    if (wide) s.className = 'wide';
    main.append(s);
  }
  s.innerHTML = `<h2>${escape(title)} <small>${escape(note)}</small></h2>`;
  return s;
}

/** A "CSV" link in the section's title: the same series as the chart, from the API's format=csv. */
export function csvLink(s, url) {
  const a = document.createElement('a');
  a.className = 'csv';
  a.textContent = 'CSV';
  a.href = url + (url.includes('?') ? '&' : '?') + 'format=csv';
  a.download = '';
  s.querySelector('h2').append(a);
  return a;
}

/** A new element of this tag and class, appended to the section. */
function add(s, tag, className) {
  const element = document.createElement(tag);
  element.className = className;
  s.append(element);
  return element;
}

export function chartIn(s, id) {
  const div = add(s, 'div', 'chart');
  div.id = id;
  return div;
}

export function tiles(s, items) {
  add(s, 'div', 'tiles').innerHTML = items.map(([label, value, id, note]) =>
    `<div class="tile"><span>${escape(label)}</span><b data-testid="${escape(id)}">${escape(value)}</b>${note ? `<span>${escape(note)}</span>` : ''}</div>`).join('');
}

/** rows: arrays of cells; a cell is text, or {html} for markup already escaped, or {num} for a right-aligned number. */
export function table(s, id, header, rows) {
  const t = document.createElement('table');
  t.id = id;
  const cell = (c, tag) => {
    if (c && typeof c === 'object' && 'html' in c) return `<${tag}>${c.html}</${tag}>`;
    if (c && typeof c === 'object' && 'num' in c) return `<${tag} class="num">${escape(c.num)}</${tag}>`;
    return `<${tag}>${escape(c)}</${tag}>`;
  };
  t.innerHTML = `<thead><tr>${header.map((h) => cell(h, 'th')).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr${r.key ? ` data-key="${escape(r.key)}"` : ''}>${r.cells.map((c) => cell(c, 'td')).join('')}</tr>`).join('')}</tbody>`;
  s.append(t);
  return t;
}

export function empty(s, text) {
  add(s, 'p', 'muted').textContent = text;
}
