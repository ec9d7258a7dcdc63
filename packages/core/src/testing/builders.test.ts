import { aRouteEntry, anEndpoint, appTags, guidFor } from './builders.js';

describe('builders', () => {
  it('make CF-shaped tags with stable GUIDs', () => {
    const tags = appTags({ org: 'o', space: 's', app: 'a', index: 3 });
    expect(tags).toMatchObject({
      organization_name: 'o',
      space_name: 's',
      app_name: 'a',
      instance_id: '3',
      process_type: 'web',
    });
    expect(tags['app_id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(appTags({ org: 'o', space: 's', app: 'a' })['app_id']).toBe(tags['app_id']);
    expect(guidFor('x')).not.toBe(guidFor('y'));
    expect(appTags({ appId: 'id', processType: 'worker' })).toMatchObject({
      app_id: 'id',
      process_type: 'worker',
    });
  });

  it('build endpoints and entries', () => {
    expect(anEndpoint({ tls: true })).toMatchObject({
      address: '127.0.0.1:61000',
      tls: true,
      ttlSeconds: 120,
    });
    expect(aRouteEntry({ uri: 'Shop.Example.com/API/' })).toMatchObject({
      routeKey: 'shop.example.com/api',
      host: 'shop.example.com',
    });
  });
});
