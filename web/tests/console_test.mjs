// Browser tests of the web console: Debian's Chromium, driven by
// playwright-core (no browser download), against a real cluster that
// tests/cluster/console_test.cc started. One scenario per run:
//   node console_test.mjs SCENARIO
// Everything it needs comes in the environment (PM_URL, users, archives,
// the router's port); it saves a screenshot of every page it checks, and of
// the page at a failure, under PM_SCREENSHOTS. Exit 0: every check held.
import { chromium } from 'playwright-core';
import http from 'node:http';
import path from 'node:path';
import { mkdirSync } from 'node:fs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const BASE = env('PM_URL');
const SHOTS = env('PM_SCREENSHOTS');
const scenario = process.argv[2];
mkdirSync(SHOTS, { recursive: true });

class CheckFailed extends Error {}
function check(condition, what) {
  if (!condition) throw new CheckFailed(what);
}

let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  await page.screenshot({ path: path.join(SHOTS, `${scenario}-${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

// Polls until fn() is truthy (the page updates live; nothing is reloaded).
async function until(what, fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new CheckFailed(`timed out waiting for ${what} (last: ${last})`);
}

async function signIn(page, user, password) {
  await page.goto(BASE + '/#/signin');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header nav');
}

async function jobEnds(page, state, timeoutMs = 60000) {
  const end = await page.waitForSelector('[data-test=job-end]', { timeout: timeoutMs });
  const text = (await end.textContent()).trim();
  check(text === state, `the job tree ended ${text}, expected ${state}: ${await page.locator('main').innerText()}`);
}

// Through the router, as a browser on the app's hostname would.
function viaRouter(host, pathName = '/') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(env('PM_ROUTER_PORT')), path: pathName,
      headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Deploys an archive from the workspace page; leaves the page on the
// prepare tree and returns once it succeeded.
async function deployFromBrowser(page, archive) {
  await page.goto(BASE + '/#/workspaces/' + env('PM_WORKSPACE'));
  await page.waitForSelector('[data-test=deploy-form]');
  await page.setInputFiles('input[name=archive]', archive);
  await page.click('[data-test=deploy-form] button[type=submit]');
  await page.waitForURL(/#\/jobs\//);
}

async function versionActionOnJobPage(page, label, state = 'SUCCESS') {
  await page.click(`[data-test=version-actions] button:has-text("${label}")`);
  await page.waitForURL(/#\/jobs\//);
  await jobEnds(page, state);
}

const scenarios = {
  async signin(page) {
    await page.goto(BASE + '/#/workspaces');
    await page.waitForSelector('form.signin');
    await screenshot(page, 'signed-out-redirects-to-sign-in');
    await page.fill('input[name=username]', env('PM_ADMIN_USER'));
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    const error = await page.waitForSelector('.error');
    check((await error.textContent()).includes('wrong username or password'), 'a wrong password shows the error');
    await screenshot(page, 'wrong-password');
    await signIn(page, env('PM_ADMIN_USER'), env('PM_ADMIN_PASSWORD'));
    await page.waitForSelector('h1:has-text("Overview")');
    await screenshot(page, 'overview');
    // The session is a cookie the page's scripts cannot read.
    check(!(await page.evaluate(() => document.cookie)).includes('paasmaker_session'), 'the session cookie is HttpOnly');
    await page.click('[data-test=sign-out]');
    await page.waitForSelector('form.signin');
    await page.goto(BASE + '/#/nodes');
    await page.waitForSelector('form.signin');
  },

  async deploy(page) {
    await signIn(page, env('PM_ADMIN_USER'), env('PM_ADMIN_PASSWORD'));
    await deployFromBrowser(page, env('PM_HELLO_ARCHIVE'));
    await screenshot(page, 'prepare-tree-live');
    await jobEnds(page, 'SUCCESS');
    await screenshot(page, 'prepare-succeeded');
    await page.click('[data-test=job-version]');
    await page.waitForSelector('[data-test=version-actions]');
    await versionActionOnJobPage(page, 'Start');
    await page.click('[data-test=job-version]');
    await versionActionOnJobPage(page, 'Make current');
    const answer = await until('the app answering through the router', async () => {
      const r = await viaRouter(env('PM_HELLO_HOST'));
      return r.status === 200 && r;
    });
    check(answer.body.length > 0, 'the app sent a page through the router');
    // And in the browser, at its hostname (resolved to the router's address).
    const app = await page.context().newPage();
    await app.goto(`http://${env('PM_HELLO_HOST')}:${env('PM_ROUTER_PORT')}/`);
    check((await app.locator('body').innerText()).includes('Hello from Paasmaker'), 'the browser shows the app\'s page');
    await screenshot(app, 'app-through-the-router');
    await app.close();

    // Scale to 2 from the version page: the second instance shows up RUNNING without a reload.
    await page.click('[data-test=job-version]');
    await page.waitForSelector('[data-test=quantity-form]');
    await page.fill('[data-test=quantity-form] input[name=quantity]', '2');
    await page.click('[data-test=quantity-form] button[type=submit]');
    await page.waitForURL(/#\/jobs\//);
    await jobEnds(page, 'SUCCESS');
    await page.click('[data-test=job-version]');
    await until('two RUNNING instances on the version page', async () =>
      (await page.locator('[data-test=instances] tr[data-instance] .state-running').count()) === 2);
    await screenshot(page, 'version-with-two-instances');

    // Traffic through the router shows on the application's graph within 5 s.
    await page.click('a:has-text("Application")');
    await page.waitForSelector('[data-test=traffic-graph]');
    let sending = true;
    const traffic = (async () => {
      while (sending) {
        await viaRouter(env('PM_HELLO_HOST')).catch(() => {});
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await until('requests on the application graph', async () => {
        const text = await page.locator('[data-test=latest-rate]').first().textContent();
        const rate = Number((text || '').replace('now: ', ''));
        return text && rate > 0;
      }, 5000 + 2000);  // 5 s, plus the page's first history read
    } finally {
      sending = false;
      await traffic;
    }
    await screenshot(page, 'application-graph');
  },

  async startup_fails(page) {
    await signIn(page, env('PM_ADMIN_USER'), env('PM_ADMIN_PASSWORD'));
    await deployFromBrowser(page, env('PM_FAILING_ARCHIVE'));
    await jobEnds(page, 'SUCCESS');
    await page.click('[data-test=job-version]');
    await versionActionOnJobPage(page, 'Start', 'ABORTED');  // the failed job aborts its tree
    await until('the startup command\'s output on the job page', async () =>
      (await page.locator('main').innerText()).includes('migration failed: table users missing'));
    await screenshot(page, 'startup-failed');
  },

  async viewer(page) {
    await signIn(page, env('PM_VIEWER_USER'), env('PM_VIEWER_PASSWORD'));
    await page.goto(BASE + '/#/applications/' + env('PM_APPLICATION'));
    await page.waitForSelector('[data-test=versions]');
    check(await page.locator('main button').count() === 0, 'a view-only user sees no action buttons');
    await page.goto(BASE + '/#/workspaces/' + env('PM_WORKSPACE'));
    await page.waitForSelector('h2:has-text("Applications")');
    check(await page.locator('[data-test=deploy-form]').count() === 0, 'a view-only user sees no deploy form');
    await screenshot(page, 'viewer-application');
    // Forced from the viewer's session, with its CSRF token: the API refuses it.
    const forced = await page.evaluate(async (version) => {
      const me = await (await fetch('/api/v1/me')).json();
      const res = await fetch(`/api/v1/versions/${version}/stop`, {
        method: 'POST', headers: { 'X-CSRF-Token': me.data.csrf_token, 'Content-Type': 'application/json' }, body: '{}' });
      return res.status;
    }, env('PM_VERSION'));
    check(forced === 403, `a forced POST from a view-only session answers 403, not ${forced}`);
  },

  async csrf(page) {
    await signIn(page, env('PM_ADMIN_USER'), env('PM_ADMIN_PASSWORD'));
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/v1/workspaces', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Forged', stub: 'forged' }) });
      return { status: res.status, body: await res.text() };
    });
    check(answer.status === 403 && answer.body.includes('CSRF'), `a POST without the CSRF token is refused: ${JSON.stringify(answer)}`);
    const listed = await page.evaluate(async () => (await (await fetch('/api/v1/workspaces')).json()).data.workspaces);
    check(!listed.some((w) => w.stub === 'forged'), 'the refused POST created nothing');
  },

  async xss(page) {
    await page.addInitScript(() => { window.__xss = 0; });
    await signIn(page, env('PM_ADMIN_USER'), env('PM_ADMIN_PASSWORD'));
    await page.goto(BASE + '/#/workspaces');
    await page.waitForSelector('main table');
    const payload = env('PM_XSS_WORKSPACE_NAME');
    check((await page.locator('main').innerText()).includes(payload), 'the workspace name shows as text');
    await page.goto(BASE + '/#/jobs/' + env('PM_XSS_JOB'));
    await jobEnds(page, 'ABORTED');
    await until('the logged payload shown as text', async () =>
      (await page.locator('main').innerText()).includes('<script>window.__xss=2</script>'));
    await page.goto(BASE + '/#/versions/' + env('PM_XSS_VERSION'));
    await page.waitForSelector('pre');
    check((await page.locator('pre').innerText()).includes('onerror'), 'the manifest shows as text');
    await screenshot(page, 'xss-as-text');
    check(await page.evaluate(() => window.__xss) === 0, 'no payload ran');
    check(await page.locator('main img, main script').count() === 0, 'no payload became an element');
  },
};

// A directory picked in the browser, zipped there and deployed.
scenarios.deploy_directory = async (page) => {
  await signIn(page, env('PM_ADMIN_USER'), env('PM_ADMIN_PASSWORD'));
  await page.goto(BASE + '/#/workspaces/' + env('PM_WORKSPACE'));
  await page.waitForSelector('[data-test=deploy-form]');
  await page.check('input[name=mode][value=directory]');
  await page.setInputFiles('input[name=directory]', env('PM_SITE_DIRECTORY'));
  await page.click('[data-test=deploy-form] button[type=submit]');
  await page.waitForURL(/#\/jobs\//);
  await jobEnds(page, 'SUCCESS');
  await page.click('[data-test=job-version]');
  await page.waitForSelector('[data-test=instance-type]');
  // The heading fills in as the version and then its application are read.
  await until('the directory shown as version 2 of static-site', async () =>
    (await page.locator('h1').innerText()).includes('static-site version 2'));
  await screenshot(page, 'directory-deployed');
};

// The console through a router, at pacemaker.<cluster_hostname>: sign-in,
// pages and a live job stream all pass the router's nginx.
scenarios.via_router = async (page) => {
  const base = `http://pacemaker.${env('PM_CLUSTER_HOSTNAME')}:${env('PM_ROUTER_PORT')}`;
  await page.goto(base + '/#/signin');
  await page.fill('input[name=username]', env('PM_ADMIN_USER'));
  await page.fill('input[name=password]', env('PM_ADMIN_PASSWORD'));
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Overview")');
  await page.goto(base + '/#/jobs/' + env('PM_XSS_JOB'));
  await jobEnds(page, 'ABORTED');
  await screenshot(page, 'job-through-the-router');
};

// One's own profile: a new API key (shown once, and it works), and a new
// password (the old one is refused at the next sign-in).
scenarios.profile = async (page) => {
  await signIn(page, env('PM_VIEWER_USER'), env('PM_VIEWER_PASSWORD'));
  await page.click('[data-test=profile]');
  await page.waitForSelector('h2:has-text("API key")');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('button:has-text("Reset API key")');
  const key = (await (await page.waitForSelector('[data-test=new-api-key]')).textContent()).trim();
  const byKey = await page.evaluate(async (k) => (await fetch('/api/v1/me', {
    credentials: 'omit', headers: { Authorization: 'Bearer ' + k } })).status, key);
  check(byKey === 200, `the new key works (${byKey})`);
  await page.fill('input[type=password] >> nth=0', env('PM_VIEWER_PASSWORD'));
  await page.fill('input[type=password] >> nth=1', 'a-new-viewer-password');
  await page.click('button:has-text("Change password")');
  await page.waitForSelector('.notice:has-text("Password changed")');
  await screenshot(page, 'profile');
  await page.click('[data-test=sign-out]');
  await page.waitForSelector('form.signin');
  await page.fill('input[name=username]', env('PM_VIEWER_USER'));
  await page.fill('input[name=password]', env('PM_VIEWER_PASSWORD'));
  await page.click('button[type=submit]');
  await page.waitForSelector('.error');
  await signIn(page, env('PM_VIEWER_USER'), 'a-new-viewer-password');
};

// Every page once, with a screenshot: what it shows and that no script fails.
scenarios.pages = async (page) => {
  await signIn(page, env('PM_ADMIN_USER'), env('PM_ADMIN_PASSWORD'));
  const visit = async (hash, selector, name) => {
    await page.goto(BASE + '/#' + hash);
    await page.waitForSelector(selector);
    await screenshot(page, name);
  };
  await visit('/', 'h1:has-text("Overview")', 'overview');
  await until('the applications on the overview', async () => (await page.locator('main').innerText()).includes('static-site'));
  await visit('/workspaces', 'main table', 'workspaces');
  await visit('/nodes', '[data-test=nodes]', 'nodes');
  check((await page.locator('[data-test=nodes] tbody tr').count()) === 4, 'the nodes page lists the four nodes');
  // The instances on the hearts, read when asked for: the static site runs on one of them.
  const shows = page.locator('[data-test=nodes] button:has-text("show")');
  while (await shows.count() > 0) await shows.first().click();  // each click replaces its button
  await until('the static site\'s instance on a node', async () =>
    (await page.locator('[data-test=node-instances] li').count()) >= 1);
  await screenshot(page, 'nodes-with-instances');
  await visit('/applications/' + env('PM_APPLICATION'), '[data-test=versions]', 'application');
  await visit('/versions/' + env('PM_VERSION'), '[data-test=instances]', 'version');
  await until('the running instance on the version page', async () =>
    (await page.locator('[data-test=instances] .state-running').count()) === 1);
  await page.click('[data-test=instances] a:has-text("log")');
  await page.waitForSelector('[data-test=instance-log]');
  await screenshot(page, 'instance-log');
  await visit('/admin', '[data-test=users]', 'administration');
  check((await page.locator('[data-test=users]').innerText()).includes('viewer'), 'the users table lists the viewer');
  check((await page.locator('[data-test=roles]').innerText()).includes('WORKSPACE_VIEW'), 'roles show their permissions');
  check((await page.locator('[data-test=allocations]').innerText()).includes('viewer'), 'allocations list the viewer');
  await page.waitForSelector('[data-test=routing-table]');
  // A user edited in place.
  const viewerRow = page.locator('[data-test=users] tr', { hasText: 'viewer' });
  await viewerRow.locator('button:has-text("Edit")').click();
  await viewerRow.locator('input[placeholder=name]').fill('Vera Viewer');
  await viewerRow.locator('button:has-text("Save")').click();
  await until('the edited name in the users table', async () =>
    (await page.locator('[data-test=users]').innerText()).includes('Vera Viewer'));
  // A role's permissions edited in place.
  const roleRow = page.locator('[data-test=roles] tr', { hasText: 'Viewer' });
  await roleRow.locator('button:has-text("Edit")').click();
  await roleRow.locator('input[name=permissions]').fill('WORKSPACE_LIST, WORKSPACE_VIEW, NODE_LIST');
  await roleRow.locator('button:has-text("Save")').click();
  await until('the edited role in the roles table', async () =>
    (await page.locator('[data-test=roles] tr', { hasText: 'Viewer' }).innerText()).includes('NODE_LIST'));
  // One click from an application to an instance's live log.
  await page.goto(BASE + '/#/applications/' + env('PM_APPLICATION'));
  await page.waitForSelector('[data-test=instance-links] a');
  await page.click('[data-test=instance-links] a');
  await page.waitForSelector('[data-test=instance-log]');
  await visit('/profile', 'h2:has-text("API key")', 'profile');
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario '${scenario}'; one of: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.PM_CHROMIUM || '/usr/bin/chromium',
  args: [`--host-resolver-rules=MAP ${process.env.PM_HELLO_HOST || 'hello.example.com'} 127.0.0.1, ` +
    `MAP pacemaker.${process.env.PM_CLUSTER_HOSTNAME || 'local.paasmaker.net'} 127.0.0.1`,
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(e.message));
let failed = false;
try {
  await run(page);
  check(consoleErrors.length === 0, `no script errors on the pages: ${consoleErrors.join(' | ')}`);
  console.log(`${scenario}: every check held`);
} catch (e) {
  failed = true;
  console.error(`${scenario} FAILED: ${e.message}`);
  if (!(e instanceof CheckFailed)) console.error(e.stack);
  await page.screenshot({ path: path.join(SHOTS, `${scenario}-FAILED.png`), fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
