/** Time, behind a port so that core code and its tests never read the real clock (STYLE.md §3). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
