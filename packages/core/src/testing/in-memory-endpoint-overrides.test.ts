import { InMemoryEndpointOverrides } from './in-memory-endpoint-overrides.js';

describe('InMemoryEndpointOverrides', () => {
  it('answers set paths and records lookups', async () => {
    const overrides = new InMemoryEndpointOverrides({ a: '/x' });
    overrides.set('b', '/y');
    expect(await overrides.endpointFor('a')).toBe('/x');
    overrides.delete('a');
    expect(await overrides.endpointFor('a')).toBeUndefined();
    expect(await overrides.endpointFor('b')).toBe('/y');
    expect(overrides.lookups).toEqual(['a', 'a', 'b']);
  });
});
