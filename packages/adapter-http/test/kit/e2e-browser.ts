/**
 * Headless Chromium (the Debian package's `/usr/bin/chromium`) through `playwright-core`, with a new empty
 * user-data-dir; records the page's console errors and uncaught exceptions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const E2E_CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface E2eBrowser {
  readonly page: Page;
  /** Console messages of type `error` and uncaught page errors, in order. */
  readonly errors: string[];
  /** `<status> <url>` of every response with a status of 400 or more (what a console 404 was about). */
  readonly failedResponses: string[];
  close(): Promise<void>;
}

export async function e2eLaunchChromium(timeoutMs = 20_000): Promise<E2eBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'promfetcher-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: E2E_CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: timeoutMs,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(timeoutMs);
  const errors: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  const failedResponses: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.url()}`);
  });
  return {
    page,
    errors,
    failedResponses,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
