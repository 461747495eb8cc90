// The portal page that offers the browser extension to staff: how to install it and connect it to this server.
import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { Alert, Layout } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { BUILD_HINT, findChromePackage } from './package.ts';

function InstallSteps({ publicUrl }: { publicUrl: string }) {
  return (
    <section class="card" aria-labelledby="install">
      <h2 id="install">Install in Chrome or Edge</h2>
      <ol>
        <li>Download the zip and unzip it into a folder you will keep (the browser loads the extension from it).</li>
        <li>
          Open <code>chrome://extensions</code> (Edge: <code>edge://extensions</code>) and switch on{' '}
          <strong>Developer mode</strong>.
        </li>
        <li>
          Choose <strong>Load unpacked</strong> and select the unzipped folder. Pin Seatkeeper to the toolbar.
        </li>
        <li>
          Open the extension's options, type this server's address, <code>{publicUrl}</code>, and a personal access
          token (<a href="/portal/tokens">Access tokens</a>, scope <code>read</code>); allow access when the browser
          asks.
        </li>
        <li>
          Badges appear on this portal's Users page at once. For another console (an OutSystems Users app, Service
          Center, …) add its address in the options and choose the environment whose rules apply there.
        </li>
      </ol>
      <p class="hint">
        The token stays in the browser's memory until it closes, unless you tick “remember on this device”. The
        extension asks for access to each site only when you add it.
      </p>
    </section>
  );
}

export const extensionPages = (deps: Deps) =>
  new Hono<AppEnv>().get('/', requirePage('staffRead'), async (c) => {
    const { config } = deps;
    const found = await findChromePackage(config);
    return html(
      c,
      <Layout title="Browser extension" principal={principalOf(c)}>
        <p>
          The Seatkeeper extension shows, next to every user on an admin console, whether the account counts as an
          Internal or External seat and why, warns when capacity runs low, and looks people up for support staff.
        </p>
        {found ? (
          <section class="card" aria-labelledby="download">
            <h2 id="download">Download</h2>
            <p>
              <a href="/api/v1/extension/chrome.zip" download={found.fileName} id="extension-download">
                {found.fileName}
              </a>{' '}
              ({Math.round(found.bytes / 1024)} KiB, built {found.builtAt.toISOString().slice(0, 16).replace('T', ' ')}{' '}
              UTC)
            </p>
          </section>
        ) : (
          <Alert kind="error">
            <p>The extension has not been built on this server yet, so there is nothing to download.</p>
            <p>{BUILD_HINT}</p>
          </Alert>
        )}
        <InstallSteps publicUrl={config.publicUrl} />
      </Layout>,
    );
  });
