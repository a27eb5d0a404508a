/** Headless Debian Chromium driven by playwright-core, with the flags this closed network needs. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromiumPath } from '../../src/toolchain/debian-tools';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM = chromiumPath();

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Where screenshots go: test-results always; docs/ too under HARNESS_UPDATE_SCREENSHOTS=1 (`npm run docs:screenshots`). */
const SCREENSHOT_DIRS = [
  path.resolve(__dirname, '../../test-results'),
  ...(process.env.HARNESS_UPDATE_SCREENSHOTS ? [path.resolve(__dirname, '../../docs')] : []),
];

export async function screenshot(page: Page, name: string): Promise<void> {
  for (const dir of SCREENSHOT_DIRS) await page.screenshot({ path: path.join(dir, name) });
}
