import { RouteTable, type FetchInput } from '@promfetcher/core';
import { anEndpoint, appTags, ManualClock } from '@promfetcher/core/testing';
import type { MetricsFetcher } from './create-app.js';
import { SingleFlightFetcher } from './single-flight.js';

type Result = Awaited<ReturnType<MetricsFetcher['execute']>>;

/** An inner fetcher whose calls stay pending until resolved by the test. */
function pendingFetcher(): {
  fetcher: MetricsFetcher;
  calls: { input: FetchInput; resolve: (r: Result) => void }[];
} {
  const calls: { input: FetchInput; resolve: (r: Result) => void }[] = [];
  return {
    calls,
    fetcher: {
      execute: (input) => new Promise<Result>((resolve) => calls.push({ input, resolve })),
    },
  };
}

const answer = (body: string): Result => ({
  ok: true,
  value: { body, contentType: 'text/plain', targets: [] },
});

function input(overrides: Partial<FetchInput> = {}): FetchInput {
  return {
    app: { kind: 'name', org: 'acme', space: 'prod', app: 'shop' },
    onlyApp: false,
    format: 'text-0.0.4',
    forwardHeaders: {},
    timeoutMs: 1_000,
    ...overrides,
  };
}

describe('SingleFlightFetcher', () => {
  const table = new RouteTable(new ManualClock(0));
  table.register('shop.example.com', anEndpoint({ address: '10.0.0.1:8080', tags: appTags() }));

  it('shares one call among concurrent identical requests, and forgets it once settled', async () => {
    const { fetcher, calls } = pendingFetcher();
    const roles: string[] = [];
    const sf = new SingleFlightFetcher({ inner: fetcher, routes: table, observe: (r) => roles.push(r) });
    const a = sf.execute(input());
    const b = sf.execute(input({ forwardHeaders: { 'x-request-id': 'other', 'user-agent': 'x' } }));
    expect(calls.length).toBe(1);
    calls[0]!.resolve(answer('one'));
    expect(await a).toEqual(answer('one'));
    expect(await b).toEqual(answer('one'));
    expect(sf.inFlight).toBe(0);
    const c = sf.execute(input());
    expect(calls.length).toBe(2);
    calls[1]!.resolve(answer('two'));
    expect(await c).toEqual(answer('two'));
    expect(roles).toEqual(['leader', 'shared', 'leader']);
  });

  it('keeps apart different formats, paths, instances and credentials', () => {
    const { fetcher, calls } = pendingFetcher();
    const sf = new SingleFlightFetcher({ inner: fetcher, routes: table });
    void sf.execute(input());
    void sf.execute(input({ format: 'openmetrics-1.0.0' }));
    void sf.execute(input({ metricPath: '/other' }));
    void sf.execute(input({ onlyApp: true }));
    void sf.execute(input({ instanceIndex: '0' }));
    void sf.execute(input({ forwardHeaders: { authorization: 'Bearer a' } }));
    void sf.execute(input({ forwardHeaders: { Authorization: 'Bearer a' } }));
    expect(calls.length).toBe(6);
    for (const call of calls) call.resolve(answer(''));
  });

  it('passes an unknown app straight through', async () => {
    const { fetcher, calls } = pendingFetcher();
    const sf = new SingleFlightFetcher({ inner: fetcher, routes: table });
    const ghost = input({ app: { kind: 'guid', guid: 'nope' } });
    void sf.execute(ghost);
    void sf.execute(ghost);
    expect(calls.length).toBe(2);
    expect(sf.inFlight).toBe(0);
  });

  it('aborts the shared call only when every waiter has gone', async () => {
    const { fetcher, calls } = pendingFetcher();
    const sf = new SingleFlightFetcher({ inner: fetcher, routes: table });
    const leader = new AbortController();
    const follower = new AbortController();
    const a = sf.execute(input({ signal: leader.signal }));
    const b = sf.execute(input({ signal: follower.signal }));
    const shared = calls[0]!.input.signal!;
    expect(shared).not.toBe(leader.signal);
    leader.abort();
    expect(shared.aborted).toBe(false);
    follower.abort();
    expect(shared.aborted).toBe(true);
    calls[0]!.resolve(answer('late'));
    expect([await a, await b]).toEqual([answer('late'), answer('late')]);
  });

  it('a request whose deadline ends before the in-flight one runs its own call', () => {
    const { fetcher, calls } = pendingFetcher();
    let now = 0;
    const roles: string[] = [];
    const sf = new SingleFlightFetcher({
      inner: fetcher,
      routes: table,
      now: () => now,
      observe: (r) => roles.push(r),
    });
    void sf.execute(input({ timeoutMs: 1_000 }));
    now = 100;
    void sf.execute(input({ timeoutMs: 500 }));
    void sf.execute(input({ timeoutMs: 900 }));
    expect(calls.length).toBe(2);
    expect(roles).toEqual(['leader', 'bypassed', 'shared']);
  });
});
