/** Debian-packaged tools (Chromium, Prometheus) never skip in silence: without one and without the right to install it, one line says what to run. */
import { ensureChromium } from '../../src/toolchain/debian-tools';

const log = () => undefined;
const missing = '/nonexistent/chromium';

test('a CHROMIUM_PATH that is not a binary is named', async () => {
  await expect(ensureChromium(log, { CHROMIUM_PATH: missing })).rejects.toThrow(`CHROMIUM_PATH=${missing} is not an executable file`);
});

test('a user who cannot install Chromium is told exactly what to run', async () => {
  await expect(ensureChromium(log, {}, { binary: missing, root: false, aptGet: '/usr/bin/apt-get' })).rejects.toThrow(
    `Chromium is missing at ${missing} and only root can install it: run \`sudo apt-get update && sudo apt-get install -y chromium\` (or set CHROMIUM_PATH to a Chromium binary), then run the tests again`,
  );
  await expect(ensureChromium(log, {}, { binary: missing, root: true, aptGet: undefined })).rejects.toThrow(
    /and there is no apt-get: run `sudo apt-get/,
  );
});

test('a Chromium that is there is used as is', async () => {
  await expect(ensureChromium(log, {}, { binary: process.execPath, root: false, aptGet: undefined })).resolves.toBe(process.execPath);
});
