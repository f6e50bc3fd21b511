// The Sturgeon dashboard: a single page with hash routes, one view per
// route, each fed by the JSON API with the signed-in user's token.
import * as api from './api.js';
import { farmMap, lineChart } from './charts.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signout = document.getElementById('signout');
let me = null;
let stopPolling = null;

// ---- Small helpers ----

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const num = (v, digits = 0) => (v === null || v === undefined ? '–'
  : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const kg = (v) => `${num(v)} kg`;
const signed = (v, digits = 0) => (v > 0 ? `+${num(v, digits)}` : num(v, digits));
const when = (t) => (t ? t.replace('T', ' ').replace('Z', ' UTC') : '–');
const enc = encodeURIComponent;

function show(...children) {
  view.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, err.message || String(err));
}

function stat(label, value, cls) {
  return h('div', { class: `stat ${cls || ''}` }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value));
}

function table(headers, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))
      : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'None')))));
}

function crumbs(...parts) {
  return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    parts.map((p, i) => [i ? ' › ' : '', p.href ? h('a', { href: p.href }, p.label) : h('span', {}, p.label)]));
}

const ALERT_NAMES = {
  density: 'Density over maximum',
  low_oxygen: 'Low oxygen',
  cold_chain: 'Cold-chain excursion',
  processing: 'Processing over 15 minutes',
};

function alertsTable(alerts) {
  return table(['Alert', 'Where', 'When', 'Detail'], alerts.map((a) => [
    h('span', { class: `badge ${a.kind}` }, ALERT_NAMES[a.kind] || a.kind),
    a.pool ? h('a', { href: `#/pool/${enc(a.pool)}` }, a.pool)
      : a.shipment ? `shipment ${a.shipment}` : a.batch ? `batch ${a.batch}` : (a.farm || ''),
    when(a.time),
    a.detail,
  ]));
}

// ---- Sign-in ----

function signInView(message) {
  nav.hidden = true;
  signout.hidden = true;
  who.textContent = '';
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
    placeholder: 'stg_…', 'aria-label': 'API token' });
  const msg = h('p', { class: message ? 'error' : 'muted', role: 'status' },
    message || 'Sign in with the token from `sturgeon token create NAME`.');
  const form = h('form', { class: 'card signin', onsubmit: async (ev) => {
    ev.preventDefault();
    api.setToken(input.value.trim());
    try {
      me = await api.get('/api/me');
      route();
    } catch (err) {
      api.clearToken();
      msg.className = 'error';
      msg.textContent = err.status === 401 ? 'That token was not recognised. Check it and try again.' : err.message;
    }
  } }, h('h1', {}, 'Sign in'), h('label', { for: 'token' }, 'Token'), input,
  h('button', { type: 'submit' }, 'Sign in'), msg);
  show(form);
  input.focus();
}

signout.addEventListener('click', () => {
  api.clearToken();
  me = null;
  location.hash = '#/';
  signInView('You are signed out.');
});

// ---- Company overview ----

async function overviewView() {
  const [o, caviar] = await Promise.all([api.get('/api/overview'), api.get('/api/caviar-alerts')]);
  const alerts = [...o.alerts, ...caviar.alerts].sort((a, b) => (b.time || '').localeCompare(a.time || ''));
  const farms = o.farms.map((f) => ({ ...f, biomass_kg: f.inventory.biomass_kg, href: `#/farm/${enc(f.code)}` }));
  const cards = o.farms.map((f) => h('a', { class: `card farm ${f.alerts ? 'has-alerts' : ''}`, href: `#/farm/${enc(f.code)}` },
    h('h3', {}, f.name, ' ', h('span', { class: 'muted' }, f.code)),
    h('p', { class: 'muted' }, `${f.city}, ${f.province}`),
    h('div', { class: 'stats' },
      stat('Head count', num(f.inventory.head_count)),
      stat('Biomass', kg(f.inventory.biomass_kg)),
      stat('Alerts', num(f.alerts), f.alerts ? 'warn' : ''))));
  show(
    h('h1', {}, 'Company overview'),
    o.complete ? null : h('p', { class: 'muted' }, 'Showing only the farms your roles allow.'),
    h('div', { class: 'stats wide' },
      stat('Farms', num(o.farms.length)),
      stat('Head count', num(o.inventory.head_count)),
      stat('Biomass', kg(o.inventory.biomass_kg)),
      stat('Alerts', num(alerts.length), alerts.length ? 'warn' : '')),
    h('section', { class: 'split' }, h('div', { class: 'card' }, farmMap(farms)), h('div', { class: 'cards' }, cards)),
    h('h2', {}, `Alerts (${alerts.length})`),
    alertsTable(alerts),
  );
}

// ---- Farm ----

async function farmView(code) {
  const o = await api.get(`/api/farms/${enc(code)}/overview`);
  const tiles = o.pools.map(({ pool, inventory, last_stocktake: st }) => {
    const fill = inventory.max_biomass_kg > 0 ? inventory.biomass_kg / inventory.max_biomass_kg : 0;
    return h('a', { class: `card pool ${inventory.over_max ? 'over' : ''}`, href: `#/pool/${enc(pool.code)}`, 'data-pool': pool.code },
      h('h3', {}, pool.code),
      h('div', { class: 'fill', title: `${num(fill * 100)}% of the maximum density` },
        h('div', { class: 'fill-bar', style: `width:${Math.min(100, fill * 100).toFixed(1)}%` })),
      h('p', {}, `${num(inventory.density_kg_m3, 1)} / ${num(inventory.max_density_kg_m3)} kg/m³`),
      h('p', {}, `${num(inventory.head_count)} fish · ${kg(inventory.biomass_kg)}`),
      st ? h('p', { class: 'muted' }, `Last count ${num(st.count)} (${st.time.slice(0, 10)}), variance ${signed(st.variance)} (${signed(st.variance_pct)}%)`)
        : h('p', { class: 'muted' }, 'Never counted'));
  });
  show(
    crumbs({ label: 'Overview', href: '#/' }, { label: o.farm.name }),
    h('h1', {}, `${o.farm.name} `, h('span', { class: 'muted' }, o.farm.code)),
    h('div', { class: 'stats wide' },
      stat('Pools', num(o.pools.length)),
      stat('Head count', num(o.inventory.head_count)),
      stat('Biomass', kg(o.inventory.biomass_kg)),
      stat('Over maximum', num(o.inventory.pools_over_max), o.inventory.pools_over_max ? 'warn' : '')),
    h('div', { class: 'grid' }, tiles),
    h('h2', {}, `Alerts (${o.alerts.length})`),
    alertsTable(o.alerts),
  );
}

// ---- Pool ----

async function snapshotImage(url, alt) {
  const img = h('img', { class: 'snapshot', alt });
  try {
    img.src = await api.imageUrl(url);
  } catch (err) {
    return errorBox(err);
  }
  return img;
}

async function poolView(code) {
  const o = await api.get(`/api/pools/${enc(code)}/overview`);
  const th = o.thresholds;
  const t = (s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  const growth = o.growth.map((g) => ({ t: t(g.date), v: g.mean_weight_g }));
  const temps = o.water.filter((w) => w.temperature_c !== null).map((w) => ({ t: t(w.time), v: w.temperature_c,
    mark: w.temperature_c < th.temperature_low_c || w.temperature_c > th.temperature_high_c }));
  const oxygen = o.water.filter((w) => w.oxygen_mg_l !== null).map((w) => ({ t: t(w.time), v: w.oxygen_mg_l,
    mark: w.oxygen_mg_l < th.oxygen_min_mg_l }));
  const st = o.last_stocktake;
  const inv = o.inventory;
  let stocktake = h('p', { class: 'muted' }, 'This pool has never been counted.');
  if (st) {
    stocktake = h('div', {},
      h('div', { class: 'stats' },
        stat('Counted', num(st.count)),
        stat('95% interval', st.count_low !== null ? `${num(st.count_low)}–${num(st.count_high)}` : '–'),
        stat('Book before', num(st.book_count)),
        stat('Variance', `${signed(st.variance)} (${signed(st.variance_pct)}%)`)),
      h('p', { class: 'muted' }, `${st.method} count, ${when(st.time)}${st.notes ? ` — ${st.notes}` : ''}`),
      st.snapshot_url ? await snapshotImage(st.snapshot_url, `Annotated snapshot of the count of ${o.pool.code}`)
        : h('p', { class: 'muted' }, 'No snapshot: this count was not made from uploaded footage.'));
  }
  const canManage = me && me.grants.some((g) => g.role === 'admin' || (g.role === 'manager' && g.farm === o.farm.code));
  show(
    crumbs({ label: 'Overview', href: '#/' }, { label: o.farm.name, href: `#/farm/${enc(o.farm.code)}` }, { label: o.pool.code }),
    h('h1', {}, `Pool ${o.pool.code}`),
    h('div', { class: 'stats wide' },
      stat('Head count', num(inv.head_count)),
      stat('Biomass', kg(inv.biomass_kg)),
      stat('Mean weight', inv.mean_weight_g ? `${num(inv.mean_weight_g)} g` : '–'),
      stat('Density', `${num(inv.density_kg_m3, 1)} / ${num(inv.max_density_kg_m3)} kg/m³`, inv.over_max ? 'warn' : '')),
    canManage ? h('p', {}, h('a', { class: 'button', href: `#/stocktake/${enc(o.pool.code)}` }, 'New drone stocktake')) : null,
    h('section', { class: 'charts' },
      h('div', { class: 'card' }, h('h2', {}, 'Growth: mean weight (g)'), lineChart(growth, { title: 'Mean weight', unit: 'g' })),
      h('div', { class: 'card' }, h('h2', {}, 'Water temperature (°C)'), lineChart(temps, {
        title: 'Temperature', unit: '°C',
        bands: [{ from: th.temperature_low_c, to: th.temperature_high_c, cls: 'ok' }],
        lines: [{ v: th.temperature_low_c, label: `${th.temperature_low_c} °C`, cls: 'alert' },
          { v: th.temperature_high_c, label: `${th.temperature_high_c} °C`, cls: 'alert' }] })),
      h('div', { class: 'card' }, h('h2', {}, 'Dissolved oxygen (mg/L)'), lineChart(oxygen, {
        title: 'Dissolved oxygen', unit: 'mg/L',
        bands: [{ to: th.oxygen_min_mg_l, cls: 'bad' }],
        lines: [{ v: th.oxygen_min_mg_l, label: `alert below ${th.oxygen_min_mg_l} mg/L`, cls: 'alert' }] }))),
    h('h2', {}, 'Last stocktake'), stocktake,
    h('section', { class: 'split' },
      h('div', {}, h('h2', {}, 'Recent feedings'),
        table(['Time', 'Feed', 'kg'], o.feedings.map((f) => [when(f.time), f.feed_type, num(f.kg, 1)]))),
      h('div', {}, h('h2', {}, `Deaths (${num(o.deaths_total)} in all)`),
        table(['Time', 'Count', 'Cause'], o.deaths.map((d) => [when(d.time), num(d.count), d.cause || '–'])))),
  );
}

// ---- Stocktake: upload, progress, result, accept ----

function jobResult(job, poolCode) {
  const r = job.result;
  const out = h('div', { class: 'card result', 'data-job': job.id },
    h('h2', {}, `Counted ${num(r.count)} fish`),
    h('div', { class: 'stats' },
      stat('Count', num(r.count)),
      stat('95% interval', `${num(r.count_low)}–${num(r.count_high)}`),
      stat('Book count', num(r.book_count)),
      stat('Variance', `${signed(r.variance)} (${signed(r.variance_pct, 1)}%)`),
      stat('Mean length', r.mean_length_cm !== undefined ? `${num(r.mean_length_cm, 1)} cm` : 'not measured'),
      stat('Mean weight', r.mean_weight_g !== undefined
        ? `${num(r.mean_weight_g)} g` + (r.mean_weight_variance_pct != null
          ? ` (book ${num(r.book_mean_weight_g)} g, ${signed(r.mean_weight_variance_pct, 1)}%)` : '')
        : 'not measured'),
      stat('Biomass', r.biomass_kg !== undefined ? kg(r.biomass_kg) : 'not measured')),
    h('p', { class: 'muted' }, `${num(r.frames)} frames; ${r.book_within_interval ? 'the book count lies inside the interval' : 'the book count lies outside the interval'}.`));
  if (job.snapshot_url) {
    snapshotImage(job.snapshot_url, `Annotated snapshot of job ${job.id}`).then((img) => out.appendChild(img));
  }
  const status = h('p', { role: 'status' });
  if (job.accepted) {
    status.textContent = `Accepted as the new book count (stocktake ${job.accepted.stocktake_id}).`;
    out.append(status);
  } else {
    const button = h('button', { type: 'button', onclick: async () => {
      button.disabled = true;
      try {
        const a = await api.post(`/api/stocktake-jobs/${job.id}/accept`);
        status.className = 'ok';
        status.textContent = `Accepted: ${num(a.counted)} is now the book count of ${poolCode} (was ${num(a.book_count)}).`;
        button.remove();
      } catch (err) {
        status.className = 'error';
        status.textContent = err.message;
        button.disabled = false;
      }
    } }, 'Accept as the new book count');
    out.append(button, status);
  }
  return out;
}

async function stocktakeView(code) {
  const pool = await api.get(`/api/pools/${enc(code)}`);
  const file = h('input', { type: 'file', id: 'video', name: 'video', accept: 'video/*', required: true });
  const altitude = h('input', { type: 'number', id: 'altitude', name: 'altitude', min: '0', step: 'any', placeholder: 'e.g. 13' });
  const hfov = h('input', { type: 'number', id: 'hfov', name: 'hfov', min: '0', step: 'any', placeholder: 'e.g. 73.7' });
  const bar = h('div', { class: 'fill-bar', style: 'width:0%' });
  const progress = h('div', { class: 'progress', hidden: true }, h('div', { class: 'fill' }, bar), h('p', { class: 'progress-text', role: 'status' }));
  const out = h('div', {});
  const submit = h('button', { type: 'submit' }, 'Upload and count');
  const form = h('form', { class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    submit.disabled = true;
    out.replaceChildren();
    progress.hidden = false;
    progress.querySelector('.progress-text').textContent = 'Uploading…';
    try {
      const q = new URLSearchParams();
      if (altitude.value && hfov.value) { q.set('altitude_m', altitude.value); q.set('hfov_deg', hfov.value); }
      const job = await api.upload(`/api/pools/${enc(code)}/stocktakes/jobs${q.toString() ? `?${q}` : ''}`, file.files[0]);
      await followJob(job.id, bar, progress.querySelector('.progress-text'), out, code);
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
    submit.disabled = false;
  } }, h('label', { for: 'video' }, 'Drone footage of the pool'), file,
  h('div', { class: 'split' },
    h('div', {}, h('label', { for: 'altitude' }, 'Altitude above the water (m), optional'), altitude),
    h('div', {}, h('label', { for: 'hfov' }, 'Camera field of view (°), optional'), hfov)),
  h('p', { class: 'muted' }, 'With the altitude and field of view the count also measures lengths and biomass.'),
  submit, progress);
  const previous = await api.get(`/api/pools/${enc(code)}/stocktakes/jobs`);
  show(
    crumbs({ label: 'Overview', href: '#/' }, { label: pool.code, href: `#/pool/${enc(pool.code)}` }, { label: 'Drone stocktake' }),
    h('h1', {}, `Drone stocktake of ${pool.code}`),
    form, out,
    h('h2', {}, 'Earlier stocktake jobs'),
    table(['Job', 'Uploaded', 'State', 'Count'], previous.items.map((j) => [
      String(j.id), when(j.created_at), j.state === 'failed' ? `failed: ${j.error}` : j.state + (j.accepted ? ', accepted' : ''),
      j.result ? num(j.result.count) : '–'])),
  );
}

async function followJob(id, bar, text, out, poolCode) {
  return new Promise((resolve) => {
    let stopped = false;
    stopPolling = () => { stopped = true; resolve(); };
    const tick = async () => {
      if (stopped) return;
      try {
        const job = await api.get(`/api/stocktake-jobs/${id}`);
        const p = job.progress;
        bar.style.width = `${(p.fraction * 100).toFixed(0)}%`;
        if (job.state === 'queued') text.textContent = 'Waiting for a free counter…';
        if (job.state === 'running') text.textContent = `Counting: frame ${num(p.frames_done)} of ${p.frames_total ? num(p.frames_total) : '?'}`;
        if (job.state === 'failed') {
          text.textContent = 'Counting failed.';
          out.replaceChildren(h('p', { class: 'error', role: 'alert' }, job.error));
          return resolve();
        }
        if (job.state === 'done') {
          text.textContent = 'Counted.';
          out.replaceChildren(jobResult(job, poolCode));
          return resolve();
        }
      } catch (err) {
        out.replaceChildren(errorBox(err));
        return resolve();
      }
      setTimeout(tick, 500);
    };
    tick();
  });
}

// ---- Trace ----

async function traceView(query) {
  const input = h('input', { id: 'trace-query', name: 'q', value: query || '', required: true,
    placeholder: 'Tin ID or CITES label', 'aria-label': 'Tin ID or CITES label' });
  const out = h('div', {});
  const form = h('form', { class: 'card inline', onsubmit: (ev) => {
    ev.preventDefault();
    location.hash = `#/trace/${enc(input.value.trim())}`;
  } }, input, h('button', { type: 'submit' }, 'Trace'));
  show(h('h1', {}, 'Trace a tin or label'), form, out);
  if (!query) return;
  out.replaceChildren(h('p', { class: 'muted' }, 'Tracing…'));
  try {
    const { renderTrace } = await import('./trace.js');
    out.replaceChildren(await renderTrace(query, { h, table, when, num }));
  } catch (err) {
    out.replaceChildren(errorBox(err));
  }
}

// ---- Routing ----

async function route() {
  if (stopPolling) { stopPolling(); stopPolling = null; }
  if (!api.token()) return signInView();
  try {
    if (!me) me = await api.get('/api/me');
  } catch (err) {
    api.clearToken();
    return signInView(err.status === 401 ? 'Your token is no longer valid. Sign in again.' : err.message);
  }
  nav.hidden = false;
  signout.hidden = false;
  who.textContent = me.name;
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  show(h('p', { class: 'muted' }, 'Loading…'));
  try {
    switch (parts[0]) {
      case '': return await overviewView();
      case 'farm': return await farmView(parts[1]);
      case 'pool': return await poolView(parts[1]);
      case 'stocktake': return await stocktakeView(parts[1]);
      case 'trace': return await traceView(parts.slice(1).join('/'));
      default: return show(h('p', { class: 'error' }, 'There is no such page.'), h('a', { href: '#/' }, 'Back to the overview'));
    }
  } catch (err) {
    if (err.status === 401) {
      api.clearToken();
      me = null;
      return signInView('Your token is no longer valid. Sign in again.');
    }
    show(errorBox(err), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')));
  }
}

window.addEventListener('hashchange', route);
route();
