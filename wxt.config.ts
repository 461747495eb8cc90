import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Browser tests and the benchmark build with `--mode e2e` into .output/chrome-mv3-e2e (and firefox-mv2-e2e): the same
// code, with the test origins already among the host permissions (WXT lists them among `permissions` for MV2), because
// a test cannot click the browser's permission prompt (permissions.request then resolves true at once, as it does for
// any origin already granted). See docs/extension.md.
const E2E_HOSTS = ['http://127.0.0.1/*', 'http://localhost/*'];

// The extension lives in extension/; imports stay explicit so a reader sees where each name comes from.
export default defineConfig({
  srcDir: 'extension',
  // Copied as they are: the icons (drawn by `npm run icons`), which WXT lists in the manifest.
  publicDir: 'extension/public',
  // Where builds go; the packaging test builds the store packages into a directory of its own.
  outDir: process.env.SEATKEEPER_OUT_DIR ?? '.output',
  imports: false,
  vite: () => ({ plugins: [preact()] }),
  // The sources zip (for Firefox add-on review) needs what builds the extension, not the server or its tests.
  zip: { excludeSources: ['server/**', 'test/**', 'docs/**', 'bin/**', 'data/**'] },
  manifest: ({ mode, manifestVersion, browser }) => ({
    // Worded by the catalogs in public/_locales (English and Japanese), in the browser's language.
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // No host access at install: the server's origin and each console are asked for when the admin adds them.
    permissions: ['storage', 'alarms', 'scripting'],
    // Firefox's MV2 build lists origins among the optional permissions.
    ...(manifestVersion === 2
      ? { optional_permissions: ['https://*/*', 'http://*/*'] }
      : { optional_host_permissions: ['https://*/*', 'http://*/*'] }),
    ...(mode === 'e2e' && { host_permissions: E2E_HOSTS }),
    // Firefox's keys in the Firefox build only: the Chrome Web Store's review flags keys Chrome does not know.
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: {
          id: 'extension@seatkeeper.invalid',
          // Firefox's consent for data collection (below) exists from 140 on desktop, 142 on Android.
          strict_min_version: '140.0',
          // What leaves the browser, for Firefox's consent at install: the usernames and addresses a console shows
          // (personal data, website content) go to the organisation's own Seatkeeper server for its lookups.
          data_collection_permissions: { required: ['personallyIdentifyingInfo', 'websiteContent'] },
          // Organisations that host the add-on themselves build it with their update manifest's address
          // (docs/extension-deployment.md); the build for addons.mozilla.org has none.
          ...(process.env.SEATKEEPER_FIREFOX_UPDATE_URL && { update_url: process.env.SEATKEEPER_FIREFOX_UPDATE_URL }),
        },
        gecko_android: { strict_min_version: '142.0' },
      },
    }),
  }),
});
