// End-to-end test of the web dashboard: a real `sturgeon serve` on a small
// demo company, driven in headless Chromium (Debian's /usr/bin/chromium) with
// playwright-core. Signs in, walks overview -> farm -> pool, uploads a
// generated clip and checks the count against `sturgeon count` on the same
// clip, accepts it, traces a tin, and checks that a viewer of one farm sees
// neither another farm's page nor its data. Screenshots (desktop and phone)
// go to the artifacts directory, printed at the end.
//
//   node dashboard_test.mjs --sturgeon BUILD/sturgeon --artifacts DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const SturgeonBin = resolve(args.sturgeon || 'build/sturgeon');
const Artifacts = resolve(args.artifacts || 'build/test-artifacts/dashboard');
const Chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const Farm = 'ZJ-QZ1';
const Pool = 'ZJ-QZ1-P001';
const OtherFarm = 'HB-YC1';
const Tin = 'T2026A-0001-01';
// The generated clip's camera: sturgeon sim's easy_round_tank flies at 13 m
// with a 24 mm lens (73.74 degrees across).
const Altitude = '13';
const Hfov = '73.74';

let failures = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
  if (!ok) failures += 1;
  return ok;
}

function sturgeon(...a) {
  return execFileSync(SturgeonBin, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const work = mkdtempSync(join(tmpdir(), 'sturgeon-web-'));
mkdirSync(Artifacts, { recursive: true });
const db = join(work, 'dash.db');
let server;

async function main() {
  // A small company: 8 farms, ~60 pools, a caviar season with tins.
  sturgeon('demo', '--db', db, '--scale', '0.05', '--days', '60');
  const tokens = {};
  for (const [name, role, farm] of [['boss', 'admin'], ['mgr', 'manager', Farm], ['viewer', 'viewer', OtherFarm]]) {
    sturgeon('user', 'add', name, '--role', role, ...(farm ? ['--farm', farm] : []), '--db', db);
    tokens[name] = sturgeon('token', 'create', name, '--db', db);
  }
  const clip = join(work, 'clip');
  sturgeon('sim', '--scenario', 'easy_round_tank', '--frames', '40', '--size', '640x360', '--out', clip);
  const video = join(clip, 'video.mp4');
  const expected = JSON.parse(sturgeon('count', video, '--altitude', Altitude, '--hfov', Hfov, '--json'));
  console.log(`clip: ${video}, sturgeon count says ${expected.count} [${expected.count_low}, ${expected.count_high}]`);

  server = spawn(SturgeonBin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  // The first line says where it listens; the rest (warnings) is drained.
  const base = await new Promise((res, rej) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) res(m[1]);
    });
    server.on('exit', (code) => rej(new Error(`sturgeon serve exited with status ${code}: ${out}`)));
  });
  console.log(`server: ${base}`);

  const apiGet = async (path, who) => fetch(base + path, { headers: { Authorization: `Bearer ${tokens[who]}` } });

  // The assets are served with their types; an unknown one is 404.
  const index = await fetch(base + '/');
  check(index.status === 200 && index.headers.get('content-type').startsWith('text/html'), 'GET / serves the HTML page');
  const js = await fetch(base + '/assets/app.js');
  check(js.status === 200 && js.headers.get('content-type').startsWith('text/javascript'), 'app.js is JavaScript');
  check((await fetch(base + '/assets/nope.js')).status === 404, 'an unknown asset is 404');

  const browser = await chromium.launch({
    executablePath: Chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    // ---- Desktop: admin ----
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await desktop.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(base + '/');
    await page.fill('#token', 'stg_not_a_real_token');
    await page.click('button[type=submit]');
    await page.getByText('That token was not recognised').waitFor();
    check(true, 'a wrong token is refused with a sentence');

    await page.fill('#token', tokens.boss);
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: 'Company overview' }).waitFor();
    const farmCards = await page.locator('a.card.farm').count();
    check(farmCards === 8, 'the admin sees all 8 farms', `saw ${farmCards}`);
    check(await page.locator('svg.map circle').count() === 8, 'the map shows 8 farms');
    check(await page.getByRole('heading', { name: /^Alerts \(\d+\)$/ }).count() === 1, 'the overview lists alerts');
    await page.screenshot({ path: join(Artifacts, 'desktop-1-overview.png'), fullPage: true });

    await page.click(`a.card.farm[href="#/farm/${Farm}"]`);
    await page.waitForSelector(`a.card.pool[data-pool="${Pool}"]`);
    const tiles = await page.locator('a.card.pool').count();
    check(tiles > 0, 'the farm view shows its pools as a grid', `${tiles} tiles`);
    const tileText = await page.locator(`a.card.pool[data-pool="${Pool}"]`).innerText();
    check(/kg\/m³/.test(tileText) && /fish/.test(tileText), 'a pool tile shows fill and head count', tileText);
    await page.screenshot({ path: join(Artifacts, 'desktop-2-farm.png'), fullPage: true });

    await page.click(`a.card.pool[data-pool="${Pool}"]`);
    await page.getByRole('heading', { name: `Pool ${Pool}` }).waitFor();
    const charts = await page.locator('svg.chart path.series').count();
    check(charts === 3, 'the pool view draws growth, temperature and oxygen charts', `${charts} series`);
    check(await page.locator('svg.chart rect.band').count() >= 2, 'the water charts show alert bands');
    const crumbText = (await page.locator('nav.crumbs').innerText()).trim();
    check(/^Overview › .+ › ZJ-QZ1-P001$/.test(crumbText) && !crumbText.includes('http'),
      'the breadcrumb reads Overview › farm › pool', crumbText);
    await page.screenshot({ path: join(Artifacts, 'desktop-3-pool.png'), fullPage: true });

    // ---- Stocktake: upload, progress, result, accept ----
    await page.click('a.button:has-text("New drone stocktake")');
    await page.getByRole('heading', { name: `Drone stocktake of ${Pool}` }).waitFor();
    await page.setInputFiles('#video', video);
    await page.fill('#altitude', Altitude);
    await page.fill('#hfov', Hfov);
    await page.click('button:has-text("Upload and count")');
    const result = page.locator('.card.result h2');
    await result.waitFor({ timeout: 120000 });
    const counted = Number((await result.innerText()).match(/Counted ([\d,]+) fish/)[1].replace(/,/g, ''));
    check(counted === expected.count, 'the dashboard shows the same count as `sturgeon count`',
      `${counted} vs ${expected.count}`);
    const resultText = await page.locator('.card.result').innerText();
    check(resultText.includes(`${expected.count_low}–${expected.count_high}`), 'the count interval is shown', resultText);
    check(/Mean length\s*\n?\s*[\d.]+ cm/.test(resultText), 'the mean length is shown', resultText);
    check(/Mean weight\s*\n?\s*[\d,]+ g \(book [\d,]+ g, [+-]?[\d.,]+%\)/.test(resultText),
      'the mean weight is shown against the book\'s', resultText);
    await page.locator('.card.result img.snapshot').waitFor();
    const snapWidth = await page.locator('.card.result img.snapshot').evaluate(
      (img) => img.complete ? img.naturalWidth : new Promise((r) => { img.onload = () => r(img.naturalWidth); }));
    check(snapWidth === 640, 'the annotated snapshot is shown', `width ${snapWidth}`);
    await page.screenshot({ path: join(Artifacts, 'desktop-4-stocktake-result.png'), fullPage: true });

    await page.click('button:has-text("Accept as the new book count")');
    await page.getByText(/^Accepted: /).waitFor();
    const inventory = await (await apiGet(`/api/pools/${Pool}/inventory`, 'boss')).json();
    check(inventory.head_count === counted, 'accepting makes the count the book count',
      `book ${inventory.head_count}, counted ${counted}`);
    await page.screenshot({ path: join(Artifacts, 'desktop-5-accepted.png'), fullPage: true });

    await page.goto(`${base}/#/pool/${Pool}`);
    await page.getByRole('heading', { name: 'Last stocktake' }).waitFor();
    await page.locator('img.snapshot').waitFor();
    const last = await page.locator('main').innerText();
    check(last.includes(`drone count`) && last.includes(String(counted)), 'the pool view shows the accepted stocktake');

    // ---- Trace a tin ----
    await page.click('nav a:has-text("Trace")');
    await page.fill('#trace-query', Tin);
    await page.click('button:has-text("Trace")');
    await page.locator('.trace-chain').waitFor({ timeout: 30000 });
    const trace = await page.locator('main').innerText();
    check(trace.includes(Tin) && trace.includes('ZJ-QZ1-P001') && trace.includes(Farm),
      'the trace shows the tin back to its pool and farm', trace.slice(0, 400));
    check(/PIT tag \d{15}/.test(trace), 'the trace names the fish by PIT tag');
    check(await page.locator('svg.chart path.series').count() >= 1, 'the shipment temperature chart is drawn');
    check(await page.locator('svg.chart circle.mark').count() > 0, 'excursions are marked on the chart');
    await page.screenshot({ path: join(Artifacts, 'desktop-6-trace.png'), fullPage: true });
    check(pageErrors.length === 0, 'no script errors on the page', pageErrors.join('; '));
    await desktop.close();

    // ---- Phone: a viewer of one farm ----
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const mobile = await phone.newPage();
    await mobile.goto(base + '/');
    await mobile.fill('#token', tokens.viewer);
    await mobile.click('button[type=submit]');
    await mobile.getByRole('heading', { name: 'Company overview' }).waitFor();
    const seen = await mobile.locator('a.card.farm h3').allInnerTexts();
    check(seen.length === 1 && seen[0].includes(OtherFarm), 'a viewer of one farm sees only that farm', seen.join(', '));
    check(await mobile.getByText('Showing only the farms your roles allow').count() === 1, 'the page says the list is partial');
    const scrollWidth = await mobile.evaluate(() => document.documentElement.scrollWidth);
    check(scrollWidth <= 390, 'the overview fits a phone screen', `scrollWidth ${scrollWidth}`);
    await mobile.screenshot({ path: join(Artifacts, 'phone-1-overview.png'), fullPage: true });

    await mobile.goto(`${base}/#/farm/${Farm}`);
    const denied = mobile.locator('p.error');
    await denied.waitFor();
    const deniedText = await denied.innerText();
    check(deniedText.startsWith('You are not allowed to see or change this') && !deniedText.includes('{'),
      "another farm's page is refused with a plain sentence", deniedText);
    await mobile.screenshot({ path: join(Artifacts, 'phone-2-other-farm-denied.png'), fullPage: true });
    await mobile.goto(`${base}/#/pool/${OtherFarm}-P001`);
    await mobile.getByRole('heading', { name: `Pool ${OtherFarm}-P001` }).waitFor();
    await mobile.screenshot({ path: join(Artifacts, 'phone-3-own-pool.png'), fullPage: true });
    await phone.close();
  } finally {
    await browser.close();
  }

  // The API refuses the same data to the viewer.
  for (const path of [`/api/farms/${Farm}/overview`, `/api/pools/${Pool}/overview`, `/api/farms/${Farm}/inventory`]) {
    const r = await apiGet(path, 'viewer');
    check(r.status === 403, `the viewer gets 403 from ${path}`, `status ${r.status}`);
  }
  const overview = await (await apiGet('/api/overview', 'viewer')).json();
  check(overview.farms.length === 1 && overview.farms[0].code === OtherFarm &&
    overview.alerts.every((a) => a.farm === OtherFarm), "the viewer's overview holds only their farm");
}

try {
  await main();
} catch (err) {
  failures += 1;
  console.log(`FAIL ${err.stack || err}`);
} finally {
  if (server) {
    server.kill('SIGTERM');
    await once(server, 'exit').catch(() => {});
  }
  rmSync(work, { recursive: true, force: true });
  writeFileSync(join(Artifacts, 'RESULT.txt'), failures ? `${failures} checks failed\n` : 'all checks passed\n');
  console.log(`screenshots: ${Artifacts}`);
}
process.exit(failures ? 1 : 0);
