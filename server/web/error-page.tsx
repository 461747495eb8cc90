import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Principal } from '../auth/principal.ts';
import type { AppEnv } from '../http/env.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { i18nOf, useI18n } from '../i18n/request.ts';
import { Layout } from './layout.tsx';
import { html } from './page-helpers.tsx';

/** What a failed page request shows: the message and a way back, in the reader's language. */
export function ErrorPage({
  status,
  title,
  message,
  principal,
}: {
  status: number;
  title: string;
  message: string;
  principal?: Principal | null;
}) {
  const { t } = useI18n();
  return (
    <Layout title={title} principal={principal} narrow>
      <p>{message}</p>
      <p>
        <a href="/">{t('web.error.back')}</a> {t('web.error.status', { status: String(status) })}
      </p>
    </Layout>
  );
}

/** The error page as a response: `title` is a catalog key, `text` the message already in the reader's language. */
export async function errorPage(c: Context<AppEnv>, status: ContentfulStatusCode, title: MessageKey, text: string) {
  const { t } = await i18nOf(c);
  return html(c, <ErrorPage status={status} title={t(title)} message={text} principal={c.get('principal')} />, status);
}
