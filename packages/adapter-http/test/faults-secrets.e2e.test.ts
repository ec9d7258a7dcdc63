/**
 * Issue 9, item 3 (secrets): no configured secret shows in a log line, on stderr or in an HTTP answer body.
 * The built bin runs with configs whose every secret starts with `S3cr3t`: the broker password, the
 * `/routes` password, the gorouter password, the app's basic-auth password the caller forwards, and the
 * database password inside `db_conn`. Cases: a running server at `log_level: debug` (broker calls with wrong
 * and right credentials, `/routes`, `/doc`, 404s, scrapes with a forwarded Authorization that works and one
 * that does not); starts whose `db_conn` cannot be opened (PostgreSQL, MariaDB: unknown role, wrong
 * password, refused port, an unescaped password that makes the URL invalid); config validation errors on a
 * config that carries the secrets, with secrets misplaced under wrong keys. The forwarded-token checks of the
 * in-process server are in faults-hostile.int.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation, SimApp } from '../src/simulator/index.js';
import { e2eFreePort, e2eGetText, e2eLabel, e2eSamples } from './kit/e2e-net.js';
import { E2eOsbClient } from './kit/e2e-osb-client.js';
import { assertBuilt, baseConfigLines, runBin, startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunResult, RunningServer } from './kit/main-process.js';

/** Every secret below starts with this, so one search finds any of them in clear. */
const MARK = 'S3cr3t';
const BROKER = { user: 'cc', pass: `${MARK}-broker-5b1e` };
const ROUTES = { user: 'ops', pass: `${MARK}-routes-9c2d` };
const GOROUTER = { user: 'router-status', pass: `${MARK}-gorouter-1a2b` };
const APP_AUTH = { user: 'scraper', pass: `${MARK}-app-4f7a` };
const WRONG_APP_PASS = `${MARK}-wrong-app-3e8d`;
const DB_PASS = `${MARK}-db-6c0f`;
/** A database user that exists nowhere. */
const NO_USER = 'pf_secrets_nouser';

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** The clear forms of every secret: the passwords (raw and URL-encoded) and the Basic headers built on them. */
const SECRET_FORMS: readonly string[] = [
  MARK,
  encodeURIComponent(DB_PASS),
  ...[BROKER, ROUTES, GOROUTER, APP_AUTH, { user: APP_AUTH.user, pass: WRONG_APP_PASS }].map((c) =>
    basic(c.user, c.pass).slice('Basic '.length),
  ),
];

/** Asserts that no secret form appears in any of `texts` (labelled, so a failure names where). */
function expectNoSecret(texts: Readonly<Record<string, string>>): void {
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const form of SECRET_FORMS) {
      const at = text.indexOf(form);
      if (at >= 0) leaks.push(`${where} contains ${form}: …${text.slice(Math.max(0, at - 120), at + 40)}…`);
    }
  }
  expect(leaks).toEqual([]);
}

let foundation: Foundation;
let secure: SimApp;
const dirs: string[] = [];

beforeAll(async () => {
  assertBuilt();
  foundation = await startFoundation({
    gorouter: GOROUTER,
    apps: [
      { org: 'acme', space: 'prod', name: 'shop', instances: 2 },
      {
        org: 'acme',
        space: 'prod',
        name: 'secure',
        basicAuth: APP_AUTH,
        instances: [{ behaviour: 'ok' }, { behaviour: 'failing' }],
      },
    ],
  });
  secure = foundation.app('acme', 'prod', 'secure');
});

afterAll(async () => {
  await foundation.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A config carrying every secret; `extra` lines are appended (a later key must not repeat one above). */
function secretConfig(extra: readonly string[] = [], dbConn?: string): string {
  const g = foundation.gorouter;
  return [
    ...baseConfigLines({ port: g.port, ...GOROUTER }),
    'max_scrape_timeout: 5s',
    `broker: {user: ${BROKER.user}, pass: ${BROKER.pass}}`,
    `routes_auth: {user: ${ROUTES.user}, pass: ${ROUTES.pass}}`,
    `db_conn: ${JSON.stringify(dbConn ?? 'sqlite://$DATA_DIR/pf.db')}`,
    'data_dir: $DATA_DIR',
    ...extra,
  ].join('\n');
}

/** Runs the bin to its end with `yaml` as the config file. */
async function runWithConfig(yaml: string, timeoutMs = 20_000): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-secrets-'));
  dirs.push(dir);
  const file = join(dir, 'promfetcher.yml');
  writeFileSync(file, yaml.replaceAll('$DATA_DIR', dir));
  return runBin(['--config', file], {}, timeoutMs);
}

describe('faults: secrets never reach logs or answers', () => {
  describe('a running server at log level debug, broker on SQLite', () => {
    let server: RunningServer;
    const bodies: Record<string, string> = {};

    beforeAll(async () => {
      server = await startServerProcess(secretConfig(['logging: {level: debug}']));
      await waitUntil(async () => (await fetch(server.healthUrl)).status === 200, 'health 200', 200);
    });

    afterAll(async () => {
      await server.kill();
    });

    async function get(label: string, path: string, headers: Record<string, string> = {}): Promise<number> {
      const answer = await e2eGetText(`${server.url}${path}`, headers);
      bodies[label] = answer.body;
      return answer.status;
    }

    it('answers the broker 401 with wrong credentials and OSB answers with the right ones', async () => {
      const wrong = [
        new E2eOsbClient(server.url, { user: BROKER.user, pass: `${BROKER.pass}x` }),
        new E2eOsbClient(server.url, { user: 'root', pass: BROKER.pass }),
        new E2eOsbClient(server.url, { user: BROKER.user, pass: '' }),
      ];
      for (const [i, client] of wrong.entries()) {
        const answer = await client.request('GET', '/v2/catalog');
        expect(answer.status).toBe(401);
        bodies[`broker wrong ${i}`] = JSON.stringify(answer.body);
      }
      const osb = new E2eOsbClient(server.url, BROKER);
      const ids = await osb.catalogIds();
      const answers = {
        provision: await osb.provision('sec-instance', ids, secure.orgGuid, secure.spaceGuid),
        bind: await osb.bind('sec-instance', 'sec-binding', ids, secure.guid, { endpoint: '/metrics' }),
        badBind: await osb.bind('sec-instance', 'sec-binding-2', ids, secure.guid, {
          endpoint: `http://u:${BROKER.pass}@127.0.0.1/`,
        }),
        unknownPlan: await osb.provision(
          'sec-instance-2',
          { ...ids, planId: 'nope' },
          secure.orgGuid,
          secure.spaceGuid,
        ),
        unbind: await osb.unbind('sec-instance', 'sec-binding', ids),
      };
      expect(answers.provision.status).toBe(201);
      expect(answers.bind.status).toBe(201);
      expect(answers.badBind.status).toBe(400);
      expect(answers.unknownPlan.status).toBe(400);
      expect(answers.unbind.status).toBe(200);
      for (const [name, answer] of Object.entries(answers))
        bodies[`broker ${name}`] = JSON.stringify(answer.body);
      // no X-Broker-API-Version: 412 (its body quotes the header, never the credentials)
      const noVersion = await fetch(`${server.url}/broker/v2/catalog`, {
        headers: { authorization: basic(BROKER.user, BROKER.pass) },
      });
      expect(noVersion.status).toBe(412);
      bodies['broker no version'] = await noVersion.text();
    });

    it('refuses /routes with wrong credentials; serves /doc, own metrics and 404s', async () => {
      expect(await get('routes none', '/routes')).toBe(401);
      expect(
        await get('routes wrong', '/routes', { authorization: basic(ROUTES.user, `${ROUTES.pass}x`) }),
      ).toBe(401);
      expect(
        await get('routes broker creds', '/routes', { authorization: basic(BROKER.user, BROKER.pass) }),
      ).toBe(401);
      expect(await get('routes right', '/routes', { authorization: basic(ROUTES.user, ROUTES.pass) })).toBe(
        200,
      );
      expect(bodies['routes right']).toContain(secure.routes[0]);
      expect(await get('doc', '/doc')).toBe(200);
      expect(bodies['doc']).toContain('/v1/apps/');
      expect(await get('own metrics', '/metrics')).toBe(200);
      expect(await get('404 path', '/nope')).toBe(404);
      expect(await get('404 app', '/v1/apps/acme/prod/nope/metrics')).toBe(404);
    });

    it('forwards the caller Authorization to the instances and logs it nowhere, also when it fails', async () => {
      const right = { authorization: basic(APP_AUTH.user, APP_AUTH.pass) };
      const wrong = { authorization: basic(APP_AUTH.user, WRONG_APP_PASS) };
      expect(await get('scrape right', '/v1/apps/acme/prod/secure/metrics', right)).toBe(200);
      // the right credentials really were in flight: the instance that checks them answered
      const up = e2eSamples(bodies['scrape right']!, 'promfetcher_instance_up');
      expect(up.filter((line) => line.endsWith(' 1')).map((line) => e2eLabel(line, 'index'))).toEqual(['0']);
      expect(secure.instances[0]!.server.lastHeaders?.authorization).toBe(right.authorization);
      expect(await get('scrape wrong', '/v1/apps/acme/prod/secure/metrics', wrong)).toBe(200);
      const errors = e2eSamples(bodies['scrape wrong']!, 'promfetcher_scrape_error');
      // both instances check the credentials first: 401 from each
      expect(errors.map((line) => e2eLabel(line, 'reason'))).toEqual(['status_4xx', 'status_4xx']);
      expect(await get('instance failing', '/v1/apps/acme/prod/secure/instances/1/metrics', right)).toBe(502);
      expect(await get('by route', `/v1/apps/metrics?route_url=${secure.routes[0]}`, wrong)).toBe(200);
      // a token in metric_path's own query: used for the scrape, shown in no log line
      const tokenPath = encodeURIComponent(`/metrics?token=${MARK}-query-token`);
      expect(
        await get(
          'token in metric_path',
          `/v1/apps/acme/prod/secure/metrics?metric_path=${tokenPath}`,
          wrong,
        ),
      ).toBe(200);
      // debug logging was on and saw the failures (so their absence of secrets below is meaningful)
      const debug = server.logs().filter((line) => line['level'] === 'debug');
      const messages = new Set(debug.map((line) => line['msg']));
      expect(messages).toContain('some targets failed');
      expect(messages).toContain('broker request refused');
    });

    it('stops cleanly, and no secret is in any log line, on stderr or in any answer body', async () => {
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      expect(Object.keys(bodies).length).toBeGreaterThanOrEqual(20);
      expect(server.logs().length).toBeGreaterThan(10);
      expectNoSecret({
        ...Object.fromEntries(Object.entries(bodies).map(([label, body]) => [`body of ${label}`, body])),
        logs: server
          .logs()
          .map((line) => JSON.stringify(line))
          .join('\n'),
        stderr: server.stderr(),
      });
    });
  });

  describe('a binding store that cannot be opened: exit 1, a clear error, no password', () => {
    it.each([
      [
        'PostgreSQL, unknown role',
        () => `postgres://${NO_USER}:${DB_PASS}@127.0.0.1:5432/test`,
        `role "${NO_USER}" does not exist`,
      ],
      [
        'PostgreSQL, unknown role, URL-encoded password',
        () => `postgres://${NO_USER}:${encodeURIComponent(`${DB_PASS}/@:#`)}@127.0.0.1:5432/test`,
        `role "${NO_USER}" does not exist`,
      ],
      [
        'PostgreSQL, port refused',
        async () => `postgresql://postgres:${DB_PASS}@127.0.0.1:${await e2eFreePort()}/test`,
        'ECONNREFUSED',
      ],
      [
        'PostgreSQL, unescaped "/" in the password (an invalid URL)',
        () => `postgres://${NO_USER}:${DB_PASS}/x@127.0.0.1:5432/test`,
        `db_conn: not a valid URL: postgres://${NO_USER}:***@127.0.0.1:5432/test`,
      ],
      [
        'MariaDB, wrong password for root',
        () => `mysql://root:${DB_PASS}@127.0.0.1:3306/test`,
        "Access denied for user 'root'",
      ],
      [
        'MariaDB, unknown user',
        () => `mariadb://${NO_USER}:${DB_PASS}@127.0.0.1:3306/test`,
        `Access denied for user '${NO_USER}'`,
      ],
      [
        'MariaDB, unescaped "#" in the password (an invalid URL)',
        () => `mysql://${NO_USER}:${DB_PASS}#x@127.0.0.1:3306/test`,
        `db_conn: not a valid URL: mysql://${NO_USER}:***@127.0.0.1:3306/test`,
      ],
    ])('%s', async (_name, dbConn, reason) => {
      const result = await runWithConfig(secretConfig([], await dbConn()));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('promfetcher: cannot open the binding store: ');
      expect(result.stderr).toContain(reason);
      // the same failure is one structured log line too
      expect(result.stdout).toContain('cannot open the binding store');
      expectNoSecret({ stdout: result.stdout, stderr: result.stderr });
    });
  });

  describe('config validation errors on a config that carries the secrets', () => {
    it('names every bad key, echoes no value, and exits 2 before any port opens', async () => {
      const result = await runWithConfig(
        secretConfig(
          [
            // secrets misplaced under unknown keys or keys of another type
            `brokr_pass: ${BROKER.pass}`,
            `inbound_auth: {users: [{user: a, pass: ${MARK}-inbound}], passwd: ${MARK}-misplaced}`,
            `sql_cnx_max_life: ${MARK}-misplaced-duration`,
            `max_body_size: ${MARK}-misplaced-size`,
            `drain_delay: {pass: ${MARK}-misplaced-object}`,
            `logging: {level: ${MARK}-misplaced-level}`,
          ],
          `postgres://${NO_USER}:${DB_PASS}@127.0.0.1:5432/test`,
        ),
      );
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split('\n');
      const keys = lines.map((line) => /^promfetcher: config error: ([^:]+):/.exec(line)?.[1]).sort();
      expect(keys).toEqual([
        'brokr_pass',
        'drain_delay',
        'inbound_auth.passwd',
        'logging.level',
        'max_body_size',
        'sql_cnx_max_life',
      ]);
      expect(result.stdout).toBe('');
      expectNoSecret({ stderr: result.stderr });
    });

    it('a YAML syntax error on a line holding a secret quotes the line number, not the line', async () => {
      const result = await runWithConfig(
        [`broker:`, `  user: ${BROKER.user}`, ` pass: ${BROKER.pass}`, 'port: 0'].join('\n'),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/promfetcher: config error: .*promfetcher\.yml:3: YAML /);
      expectNoSecret({ stdout: result.stdout, stderr: result.stderr });
    });

    it('an invalid PROMFETCHER_* override holding a secret is named, not echoed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'promfetcher-secrets-'));
      dirs.push(dir);
      const file = join(dir, 'promfetcher.yml');
      writeFileSync(file, secretConfig().replaceAll('$DATA_DIR', dir));
      const result = await runBin(['--config', file], {
        PROMFETCHER_PORT: `${MARK}-env-port`,
        PROMFETCHER_INBOUND_AUTH_USERS: `${MARK}-no-colon`,
        PROMFETCHER_BROKER_PASSWORD: `${MARK}-env-unknown`,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('PROMFETCHER_PORT: ');
      expect(result.stderr).toContain('PROMFETCHER_INBOUND_AUTH_USERS: ');
      expect(result.stderr).toContain('PROMFETCHER_BROKER_PASSWORD');
      expectNoSecret({ stdout: result.stdout, stderr: result.stderr });
    });
  });
});
