/** Headless Debian Chromium driven by playwright-core, with the flags this closed network needs. */
import { existsSync } from 'node:fs';
import { chromiumPath } from '../../src/toolchain/debian-tools';
import { Browser, chromium } from 'playwright-core';

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
