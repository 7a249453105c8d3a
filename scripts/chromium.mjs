// Debian's Chromium, driven by playwright-core, for the browser tests, the consumer tests and the
// browser benchmark: never a downloaded browser. CHROMIUM_PATH overrides the path.
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium, or throws a message that says how to get it. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Run \`bash scripts/setup.sh\` as root (it installs Debian's ` +
        'chromium package) or set CHROMIUM_PATH. Do not run `npx playwright install`: it downloads a browser.',
    );
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
