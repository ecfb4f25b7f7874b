// @ts-check
// The same suites in Firefox, which the contract promises too: `npm run test:firefox`.
// Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (npm cannot download browsers here).
import { existsSync } from 'node:fs';
import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteer from 'puppeteer-core';
import base from './web-test-runner.config.mjs';

const executablePath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
if (!existsSync(executablePath)) {
  throw new Error(`Firefox was not found at ${executablePath}: install it (Debian: apt-get install firefox-esr) or set FIREFOX_PATH.`);
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  ...base,
  // chromeLauncher is web-test-runner's puppeteer launcher; given puppeteer itself, it can start Firefox.
  browsers: [chromeLauncher({ puppeteer, launchOptions: { browser: 'firefox', executablePath, headless: true } })],
};
