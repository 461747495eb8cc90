// The portal page that offers the browser extension to staff: how to install it and connect it to this server.
import { Hono } from 'hono';
import type { ComponentChildren } from 'preact';
import type { Deps } from '../deps.ts';
import { principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { Alert, Layout, Rich } from '../web/layout.tsx';
import { html, requirePage } from '../web/page-helpers.tsx';
import { findChromePackage } from './package.ts';

const code = (chunks: ComponentChildren) => <code>{chunks}</code>;
const strong = (chunks: ComponentChildren) => <strong>{chunks}</strong>;

function InstallSteps({ publicUrl }: { publicUrl: string }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="install">
      <h2 id="install">{t('extensionDownload.install.title')}</h2>
      <ol>
        <li>{t('extensionDownload.install.unzip')}</li>
        <li>
          <Rich k="extensionDownload.install.open" tags={{ code, strong }} />
        </li>
        <li>
          <Rich k="extensionDownload.install.load" tags={{ code, strong }} />
        </li>
        <li>
          <Rich
            k="extensionDownload.install.options"
            values={{ url: publicUrl }}
            tags={{ code, a: (chunks) => <a href="/portal/tokens">{chunks}</a> }}
          />
        </li>
        <li>{t('extensionDownload.install.badges')}</li>
      </ol>
      <p class="hint">{t('extensionDownload.install.privacy')}</p>
    </section>
  );
}

export const extensionPages = (deps: Deps) =>
  new Hono<AppEnv>().get('/', requirePage('staffRead'), async (c) => {
    const { config } = deps;
    const found = await findChromePackage(config);
    const { t, format } = await i18nOf(c);
    return html(
      c,
      <Layout title={t('layout.nav.extension')} principal={principalOf(c)}>
        <p>{t('extensionDownload.intro')}</p>
        {found ? (
          <section class="card" aria-labelledby="download">
            <h2 id="download">{t('extensionDownload.download')}</h2>
            <p>
              <a href="/api/v1/extension/chrome.zip" download={found.fileName} id="extension-download">
                {found.fileName}
              </a>{' '}
              {t('extensionDownload.built', {
                size: format.number(Math.round(found.bytes / 1024)),
                at: format.dateTime(found.builtAt),
              })}
            </p>
          </section>
        ) : (
          <Alert kind="error">
            <p>{t('extensionDownload.notBuilt')}</p>
            <p>
              <Rich k="extensionDownload.buildHint" tags={{ code }} />
            </p>
          </Alert>
        )}
        <InstallSteps publicUrl={config.publicUrl} />
      </Layout>,
    );
  });
