import { aBinding, anInstance } from '../testing/contracts/binding-store.contract.js';
import { canonicalJson, sameBinding, sameInstance } from './binding-store.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([2, 1])).toBe('[2,1]');
    expect(canonicalJson('x')).toBe('"x"');
  });
});

describe('sameInstance / sameBinding', () => {
  it('ignore context for instances but nothing for bindings', () => {
    expect(sameInstance(anInstance(), anInstance({ context: { other: true } }))).toBe(true);
    expect(sameInstance(anInstance(), anInstance({ parameters: { a: 1 } }))).toBe(false);
    expect(sameBinding(aBinding(), aBinding({ parameters: { endpoint: '/actuator/prometheus' } }))).toBe(
      true,
    );
    expect(sameBinding(aBinding(), aBinding({ appGuid: undefined }))).toBe(false);
  });
});
