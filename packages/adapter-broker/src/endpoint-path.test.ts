import { validateEndpointPath } from './endpoint-path.js';

describe('validateEndpointPath', () => {
  it.each([
    ['/metrics', '/metrics'],
    ['/actuator/prometheus', '/actuator/prometheus'],
    ['/metrics?format=prometheus&x=1', '/metrics?format=prometheus&x=1'],
    ['/a..b', '/a..b'],
    ['  /padded ', '/padded'],
  ])('accepts %j as %j', (path, expected) => {
    expect(validateEndpointPath(path)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['metrics', 'starting with /'],
    ['http://evil/x', 'starting with /'],
    ['//evil/x', '//'],
    ['/a/../b', '..'],
    ['/a/%2e%2E/b', '..'],
    ['/a/%2e%2e%2fb', '..'],
    ['/a/..', '..'],
    ['/x\r\nHost: y', 'control character'],
    ['/x\ty', 'control character'],
    ['/u@evil', '@'],
    ['/a\\b', '\\'],
    [`/${'a'.repeat(2048)}`, 'longer than'],
  ])('refuses %j (%s)', (path, why) => {
    const result = validateEndpointPath(path);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain(why);
      expect(result.error.message).toMatch(/^endpoint /);
      expect(result.error.parameter).toBe('endpoint');
    }
  });
});
