/** Polls `predicate` every `intervalMs` until it holds; rejects after `timeoutMs` with `what`. */
export async function waitFor(
  predicate: () => boolean,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<void> {
  const attempts = Math.ceil(timeoutMs / intervalMs);
  for (let i = 0; i < attempts; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  if (!predicate()) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
