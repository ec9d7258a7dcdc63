/**
 * Issue 6 part 4: the `/doc` page in a real browser. The demo foundation (plus an app named like the page's
 * placeholders, so its examples resolve as written) and the built bin with `base_url` = its real URL; headless
 * Chromium loads `/doc`, the test takes the page's example links from the DOM and follows them.
 */
import { startFoundation, demoFoundationSpec } from '../src/simulator/index.js';
import type { Foundation, SimApp } from '../src/simulator/index.js';
import { demoConfigYaml } from '../src/simulator/demo.js';
import { e2eLaunchChromium } from './kit/e2e-browser.js';
import type { E2eBrowser } from './kit/e2e-browser.js';
import { e2eFreePort, e2eGetText, e2eLabel, e2eSamples } from './kit/e2e-net.js';
import { assertBuilt, startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';

const PLACEHOLDER = { org: 'my-org', space: 'my-space', name: 'my-app', route: 'my-app.example.com' };
const NAMES_PATH = `/v1/apps/${PLACEHOLDER.org}/${PLACEHOLDER.space}/${PLACEHOLDER.name}/metrics`;

let foundation: Foundation | undefined;
let server: RunningServer | undefined;
let browser: E2eBrowser | undefined;
let base: string;
/** The page's links to merged-metrics routes, absolute, in page order. */
let links: string[] = [];

/** Every instance of `app` answered (`promfetcher_instance_up 1`) and its series carry the app's CF labels. */
function expectMerged(body: string, app: SimApp): void {
  const up = e2eSamples(body, 'promfetcher_instance_up');
  expect(up).toHaveLength(app.instances.length);
  for (const line of up) expect(line.endsWith(' 1')).toBe(true);
  const requests = e2eSamples(body, 'http_requests_total');
  expect(requests.length).toBeGreaterThan(0);
  for (const line of requests) {
    expect(e2eLabel(line, 'organization_name')).toBe(app.org);
    expect(e2eLabel(line, 'organization_id')).toBe(app.orgGuid);
    expect(e2eLabel(line, 'space_name')).toBe(app.space);
    expect(e2eLabel(line, 'space_id')).toBe(app.spaceGuid);
    expect(e2eLabel(line, 'app_name')).toBe(app.name);
    expect(e2eLabel(line, 'app_id')).toBe(app.guid);
  }
  const instances = new Set(requests.map((line) => e2eLabel(line, 'instance')));
  expect(instances).toEqual(new Set(app.instances.map((i) => i.address)));
}

function linkTo(path: string): string {
  const found = links.find((href) => href === `${base}${path}`);
  if (found === undefined) throw new Error(`the page has no link to ${path}; it has ${links.join(', ')}`);
  return found;
}

beforeAll(async () => {
  assertBuilt();
  const demo = demoFoundationSpec({ slowMs: 500 });
  foundation = await startFoundation({
    ...demo,
    apps: [
      ...demo.apps,
      {
        org: PLACEHOLDER.org,
        space: PLACEHOLDER.space,
        name: PLACEHOLDER.name,
        instances: 2,
        routes: [PLACEHOLDER.route],
      },
    ],
  });
  const port = await e2eFreePort();
  const healthPort = await e2eFreePort();
  server = await startServerProcess(demoConfigYaml({ foundation, port, healthPort, dataDir: '$DATA_DIR' }));
  base = `http://127.0.0.1:${port}`;
  expect(server.url).toBe(base);
  const url = server.healthUrl;
  await waitUntil(async () => (await fetch(url)).status === 200, 'health 200', 200);
  browser = await e2eLaunchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill();
  await foundation?.stop();
});

describe('/doc in headless Chromium', () => {
  it('renders: title, heading, sections, no console errors', async () => {
    const page = browser?.page;
    if (page === undefined) throw new Error('no browser');
    const response = await page.goto(`${base}/doc`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.title()).toBe('promfetcher');
    expect(await page.locator('h1').innerText()).toBe('promfetcher');
    expect(await page.locator('h2').allInnerTexts()).toEqual(['Endpoints', 'Prometheus']);
    expect(await page.locator('pre').innerText()).toContain(`- targets: ['127.0.0.1:${new URL(base).port}']`);
    // `a.href` is the resolved absolute URL, as the browser would follow it (no DOM lib in our tsconfig).
    links = await page
      .locator('a[href]')
      .evaluateAll((anchors) => anchors.map((a) => (a as unknown as { href: string }).href));
    links = links.filter((href) =>
      /\/v\d\/apps\/.*metrics/.test(new URL(href).pathname + new URL(href).search),
    );
    expect(links.length).toBeGreaterThanOrEqual(5);
    for (const href of links) expect(href.startsWith(`${base}/v1/apps/`)).toBe(true);
    expect({ errors: browser?.errors, failed: browser?.failedResponses }).toEqual({ errors: [], failed: [] });
  });

  it('its by-names example, followed by a click in the browser, answers merged metrics with CF labels', async () => {
    const page = browser?.page;
    if (page === undefined || foundation === undefined) throw new Error('no browser');
    const href = linkTo(NAMES_PATH);
    const [response] = await Promise.all([
      page.waitForResponse(href),
      page.locator(`a[href="${href}"]`).click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    await page.waitForURL(href);
    const shown = await page.locator('body').innerText();
    expectMerged(shown, foundation.app(PLACEHOLDER.org, PLACEHOLDER.space, PLACEHOLDER.name));
    // A plain-text document has no markup to name an icon, so Chromium asks for /favicon.ico (404): that one
    // console error is the browser's, not the page's; anything else fails.
    const favicon = `(${base}/favicon.ico)`;
    expect(browser?.errors.filter((e) => !e.endsWith(favicon))).toEqual([]);
    expect(browser?.failedResponses).toEqual([]);
  });

  it('its by-route and by-query examples answer the same app as written', async () => {
    if (foundation === undefined) throw new Error('no foundation');
    const app = foundation.app(PLACEHOLDER.org, PLACEHOLDER.space, PLACEHOLDER.name);
    for (const path of [
      `/v1/apps/${PLACEHOLDER.route}/metrics`,
      `/v1/apps/metrics?app=${PLACEHOLDER.org}/${PLACEHOLDER.space}/${PLACEHOLDER.name}`,
      `/v1/apps/metrics?route_url=${PLACEHOLDER.route}`,
    ]) {
      const answer = await e2eGetText(linkTo(path));
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expectMerged(answer.body, app);
    }
    // The metric_path example is honoured: these instances serve /metrics only, so each answers 404 there.
    const custom = await e2eGetText(linkTo(`${NAMES_PATH}?metric_path=/actuator/prometheus`));
    expect(custom.status).toBe(200);
    const errors = e2eSamples(custom.body, 'promfetcher_scrape_error');
    expect(errors).toHaveLength(app.instances.length);
    for (const line of errors) expect(e2eLabel(line, 'reason')).toBe('status_4xx');
  });

  it('with the demo apps in place of the placeholders, every example link answers their merged metrics', async () => {
    if (foundation === undefined) throw new Error('no foundation');
    // Two demo apps (OpenMetrics, gzip) whose route is their own (acme/prod/shop shares its route with acme/dev/shop).
    const demoApps = [foundation.app('acme', 'prod', 'checkout'), foundation.app('acme', 'prod', 'catalog')];
    let followed = 0;
    for (const app of demoApps) {
      for (const href of links) {
        if (href.includes('metric_path=')) continue;
        const url = href
          .replace(
            `${PLACEHOLDER.org}/${PLACEHOLDER.space}/${PLACEHOLDER.name}`,
            `${app.org}/${app.space}/${app.name}`,
          )
          .replace(PLACEHOLDER.route, app.routes[0] ?? '')
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, app.guid);
        const answer = await e2eGetText(url);
        expect({ url, status: answer.status }).toEqual({ url, status: 200 });
        expectMerged(answer.body, app);
        followed++;
      }
    }
    expect(followed).toBeGreaterThanOrEqual(2 * 5);
  });
});
