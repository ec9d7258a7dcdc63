import { validateMetricPath } from './metric-path.js';

describe('validateMetricPath', () => {
  it.each([
    [undefined, '/metrics'],
    ['', '/metrics'],
    ['   ', '/metrics'],
    [' /prometheus ', '/prometheus'],
    ['actuator/prometheus', '/actuator/prometheus'],
    ['/metrics?format=prometheus&x=1', '/metrics?format=prometheus&x=1'],
    ['/a/b..c/.well-known', '/a/b..c/.well-known'],
    ['/x?next=../y', '/x?next=../y'],
    ['/a%20b', '/a%20b'],
    ['/a/' + 'x'.repeat(2045), '/a/' + 'x'.repeat(2045)],
  ])('accepts %j as %j', (input, expected) => {
    expect(validateMetricPath(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['http://evil.example.com/metrics', 'absolute URL'],
    ['javascript:alert(1)', 'absolute URL'],
    ['localhost:9000/metrics', 'absolute URL'],
    ['//evil.example.com/metrics', '"//"'],
    ['/%2f/evil.example.com', '"//"'],
    ['/metrics@evil.example.com', '"@"'],
    ['/a\\b', '"\\"'],
    ['/a%5cb', 'encoded "\\"'],
    ['/a\r\nX-Injected: 1', 'control character'],
    ['/a\u0000', 'control character'],
    ['/../admin', '".." segment'],
    ['/a/..', '".." segment'],
    ['/a/%2e%2e/admin', '".." segment'],
    ['/a/%2E%2e', '".." segment'],
    ['/a%2f..%2fadmin', '".." segment'],
    ['/' + 'x'.repeat(2048), 'longer than 2048'],
    ['/metrics%0d%0aHost:%20evil', 'percent-encoded control character'],
    ['/metrics%00', 'percent-encoded control character'],
    ['／／evil.example.com／metrics', 'printable ASCII'],
    ['/métrics', 'printable ASCII'],
    ['/%c0%af%c0%afevil/metrics', 'overlong UTF-8'],
  ])('refuses %j', (input, message) => {
    const r = validateMetricPath(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('PF_BAD_REQUEST');
      expect(r.error.parameter).toBe('metric_path');
      expect(r.error.message).toContain(message);
    }
  });

  it('names the parameter it validates', () => {
    const r = validateMetricPath('http://x', 'endpoint');
    expect(!r.ok && r.error.message.startsWith('endpoint ')).toBe(true);
  });
});
