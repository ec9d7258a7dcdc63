import { scrapeDeadlineMs } from './scrape-deadline.js';

describe('scrapeDeadlineMs', () => {
  it.each([
    [undefined, 30_000],
    ['', 30_000],
    ['abc', 30_000],
    ['-1', 30_000],
    ['0', 30_000],
    ['10', 9_500], // margin 0.5 s
    ['2', 1_800], // margin 10 %
    ['1.5', 1_350],
    ['60', 30_000], // capped
    ['0.05', 100], // floor
  ])('header %p → %i ms', (header, expected) => {
    expect(scrapeDeadlineMs(header, 30_000)).toBe(expected);
  });
});
