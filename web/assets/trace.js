// The Trace view's content: a tin (or a CITES label, i.e. a lot) traced back
// through lot, batch, fish, pool and farm to the fish's parents, and the
// shipment's logger temperatures with its excursions marked.
import * as api from './api.js';
import { lineChart } from './charts.js';

// The trace routes of the API (docs/api.md, "Traceability").
const enc = encodeURIComponent;
export const TRACE_ROUTES = {
  tin: (code) => `/api/trace?tin=${enc(code)}`,
  label: (label) => `/api/trace?label=${enc(label)}`,
  coldChain: (shipment) => `/api/shipments/${enc(shipment)}/cold-chain`,
  readings: (shipment) => `/api/shipments/${enc(shipment)}/readings`,
  product: (name) => `/api/products/${enc(name)}`,
};

// CITES labels hold slashes (TRA/C/CN/2026/CN-ZJ-001/L2026A-0001); tin IDs do not.
const isLabel = (q) => q.includes('/');

function origins(lotTrace, { h, table }) {
  return table(['Fish (PIT tag)', 'Species', 'Pool', 'Farm', 'Dam', 'Sire', 'Roe extracted'],
    lotTrace.origins.map((o) => [
      h('span', {}, `PIT tag ${o.pit_tag}`),
      o.species,
      o.pool ? h('a', { href: `#/pool/${enc(o.pool)}` }, o.pool) : 'unknown',
      o.farm ? h('a', { href: `#/farm/${enc(o.farm)}` }, o.farm) : 'unknown',
      o.dam_tag || 'unknown',
      o.sire_tag || 'unknown',
      `${o.harvest.extracted_at.replace('T', ' ').replace('Z', ' UTC')}, ${o.harvest.roe_kg} kg`,
    ]));
}

function batchLine(batch, { h }) {
  const seal = batch.seal_minutes !== undefined && batch.seal_minutes !== null
    ? `sealed ${batch.seal_minutes.toFixed(1)} minutes after extraction` : 'seal time unknown';
  return h('p', { class: batch.seal_breach ? 'error' : '' },
    `Batch ${batch.code} (${batch.product}) at ${batch.plant}: ${seal}`,
    batch.seal_breach ? ' — over the 15-minute rule.' : '.',
    batch.salt_flagged ? ' Salt outside the allowed range.' : '');
}

async function coldChain(shipment, { h, when }) {
  const report = await api.get(TRACE_ROUTES.coldChain(shipment.code));
  const readings = Array.isArray(report.readings) ? report.readings
    : (await api.get(TRACE_ROUTES.readings(shipment.code))).items;
  // The product's cold-chain range, drawn as the chart's allowed band.
  const limits = report.product ? await api.get(TRACE_ROUTES.product(report.product)) : {};
  // Marked: readings out of range during an excursion.
  const inExcursion = (t) => report.excursions.some((e) => t >= Date.parse(e.start) && t <= Date.parse(e.end));
  const outOfRange = (v) => v > limits.max_celsius || v < (limits.freeze_celsius ?? limits.min_celsius);
  const points = readings.map((r) => {
    const t = Date.parse(r.at);
    return { t, v: r.celsius, mark: inExcursion(t) && outOfRange(r.celsius) };
  });
  const lines = [];
  const bands = [];
  if (limits.min_celsius !== undefined && limits.max_celsius !== undefined) {
    bands.push({ from: limits.min_celsius, to: limits.max_celsius, cls: 'ok' });
  }
  if (limits.min_celsius !== undefined) lines.push({ v: limits.min_celsius, label: `${limits.min_celsius} °C`, cls: 'alert' });
  if (limits.max_celsius !== undefined) lines.push({ v: limits.max_celsius, label: `${limits.max_celsius} °C`, cls: 'alert' });
  return h('div', { class: 'card' },
    h('h2', {}, `Shipment ${shipment.code} to ${shipment.destination_country}`),
    h('p', { class: 'muted' }, `${shipment.carrier}, ${when(shipment.departure)} → ${when(shipment.arrival)}`),
    lineChart(points, { title: 'Shipment temperature', unit: '°C', lines, bands }),
    report.excursions.length
      ? h('ul', {}, report.excursions.map((e) => h('li', { class: 'error' },
        `${e.kind === 'warm' ? 'Too warm' : 'Too cold'} for ${Math.round(e.duration_minutes)} minutes from ${when(e.start)}, reaching ${e.extreme_celsius} °C.`)))
      : h('p', { class: 'ok' }, 'No cold-chain excursion.'));
}

export async function renderTrace(query, helpers) {
  const { h } = helpers;
  if (isLabel(query)) {
    const { lot } = await api.get(TRACE_ROUTES.label(query));
    return h('div', { class: 'trace-chain' },
      h('div', { class: 'trace-step card' }, h('h2', {}, `Lot ${lot.lot.code}`),
        h('p', {}, `Label ${lot.lot.label}, grade ${lot.lot.grade}, ${lot.tins.length} tins.`)),
      h('div', { class: 'trace-step card' }, batchLine(lot.batch, helpers)),
      h('div', { class: 'trace-step card' }, h('h2', {}, 'Fish, pool, farm and parents'), origins(lot, helpers)));
  }
  const t = await api.get(TRACE_ROUTES.tin(query));
  const steps = [
    h('div', { class: 'trace-step card' }, h('h2', {}, `Tin ${t.tin.code}`),
      h('p', {}, `${t.tin.net_g} g, grade ${t.tin.grade}, CITES label ${t.tin.label}.`),
      t.case ? h('p', { class: 'muted' }, `Packed in case ${t.case.code}.`) : null),
    h('div', { class: 'trace-step card' }, h('h2', {}, `Lot ${t.lot.lot.code}`), batchLine(t.lot.batch, helpers)),
    h('div', { class: 'trace-step card' }, h('h2', {}, 'Fish, pool, farm and parents'), origins(t.lot, helpers)),
  ];
  if (t.shipment) steps.push(await coldChain(t.shipment, helpers));
  else steps.push(h('p', { class: 'muted' }, 'This tin has not been shipped.'));
  return h('div', { class: 'trace-chain' }, steps);
}
