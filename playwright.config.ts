import { defineConfig } from '@playwright/test';

// Browser-mode end-to-end tests against Debian's Chromium (never a downloaded browser). Each test starts its own
// `loupe serve` on its own temporary workspace (see e2e/fixtures.ts). Screenshots of each screen go to
// test-results/screens/; failure screenshots and traces stay in test-results/ as artifacts.
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  // Playwright empties outputDir when a run starts; a second run at the same time can pick its own with PW_OUTPUT_DIR.
  outputDir: process.env.PW_OUTPUT_DIR ?? 'test-results/artifacts',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // CI runs on 2 cores with every test starting its own server and Chromium: one worker keeps timings honest
  // there; a test that fails once under load is retried once and reported as flaky, never hidden as passed twice.
  workers: process.env.CI ? 1 : 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
