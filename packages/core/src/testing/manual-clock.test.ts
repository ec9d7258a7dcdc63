import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('moves only when told, never back', () => {
    const clock = new ManualClock(5);
    expect(clock.now()).toBe(5);
    clock.advance(10);
    expect(clock.now()).toBe(15);
    clock.set(3);
    expect(clock.now()).toBe(3);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(new ManualClock().now()).toBe(0);
  });
});
