// The portal's import of user lists (issues 15 and 21): the upload form, and the import's page: its progress with
// Cancel, the preview (columns read as what, rows per provider, how the figures would change, duplicates) with
// Confirm, and its outcome. The upload is streamed to disk and answered at once.
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { type Context, Hono } from 'hono';
import { SEATKEEPER } from '../../../shared/licensing/user-list-platforms.ts';
import type { Principal } from '../../auth/principal.ts';
import { actorOf, principalOf } from '../../http/auth.ts';
import { largeBody } from '../../http/body-limit.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError, notFound } from '../../http/errors.ts';
import { localise, type MessageKey } from '../../i18n/messages.ts';
import type { I18n } from '../../i18n/request.ts';
import { i18nOf, useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { isAdmin } from '../../web/format.ts';
import { formValues } from '../../web/forms.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import type { LicensingDeps } from '../context.ts';
import {
  cancelImport,
  confirmImport,
  IMPORT_ROUTE_BODY_LIMIT,
  type ImportView,
  importView,
  rereadImport,
  startImport,
} from '../import.ts';
import {
  CHOOSABLE_FIELDS,
  columnChoices,
  ENCODINGS,
  type FiguresChange,
  type ImportOptions,
} from '../import-options.ts';
import { importProblemSentence, isWorded } from '../import-problems.ts';
import type { EnvironmentView } from '../records.ts';

/** Seatkeeper's own columns are named in the reader's language; other platforms by their product names. */
const platformName = (t: I18n['t'], name: string) =>
  name === SEATKEEPER.name ? t('licensing.import.platform.seatkeeper') : name;

/** The upload form on an environment's page: the file last, so the other fields arrive before it is streamed. */
export function ImportForm({ env, providers }: { env: EnvironmentView; providers: string[] }) {
  const { t } = useI18n();
  return (
    <>
      <h2 id="import">{t('licensing.import.formTitle')}</h2>
      <p class="hint">{t('licensing.import.formHint')}</p>
      <form method="post" action={`/portal/environments/${env.id}/import`} enctype="multipart/form-data">
        <label for="encoding">{t('licensing.import.encoding')}</label>
        <select id="encoding" name="encoding">
          {ENCODINGS.map((encoding) => (
            <option value={encoding}>{t(`licensing.import.encoding.${encoding}`)}</option>
          ))}
        </select>
        <label for="import-provider">{t('licensing.import.provider')}</label>
        <input id="import-provider" name="provider" list="known-providers" aria-describedby="import-provider-hint" />
        <datalist id="known-providers">
          {providers.map((provider) => (
            <option value={provider} />
          ))}
        </datalist>
        <p class="hint" id="import-provider-hint">
          {t('licensing.import.providerHint')}
        </p>
        <label for="file">{t('licensing.import.file')}</label>
        <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        <button type="submit">{t('licensing.import.submit')}</button>
      </form>
    </>
  );
}

function TimeLeft({ seconds }: { seconds: number | null }) {
  const { t } = useI18n();
  if (seconds === null) return <>{t('licensing.import.timeLeftUnknown')}</>;
  if (seconds < 90) return <>{t('licensing.import.timeLeftSeconds', { seconds })}</>;
  return <>{t('licensing.import.timeLeftMinutes', { minutes: Math.round(seconds / 60) })}</>;
}

function Progress({ view, admin }: { view: ImportView; admin: boolean }) {
  const { t, format } = useI18n();
  const reading = view.phase === 'reading' || view.phase === 'receiving';
  const done = reading ? view.bytesRead : view.phaseDone;
  const total = reading ? view.bytesTotal : view.phaseTotal;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const phase = t(`licensing.import.phase.${view.phase || 'receiving'}` as MessageKey);
  const late = view.phase === 'switching' || view.phase === 'counting';
  return (
    <section class="card" aria-labelledby="progress">
      <h2 id="progress">{phase}</h2>
      <progress max={1} value={fraction} aria-labelledby="progress">
        {format.percent(fraction)}
      </progress>{' '}
      {format.percent(fraction)}
      <dl>
        <dt>{t('licensing.import.rowsRead')}</dt>
        <dd>{format.number(view.rowsRead)}</dd>
        <dt>{t('licensing.import.rowsWritten')}</dt>
        <dd>{format.number(view.rowsWritten)}</dd>
        <dt>{t('licensing.import.timeLeft')}</dt>
        <dd>
          <TimeLeft seconds={view.secondsLeft} />
        </dd>
      </dl>
      <p class="hint">{t('licensing.import.runningHint')}</p>
      {view.cancelRequested && <p>{t('licensing.import.cancelling')}</p>}
      {admin && !late && !view.cancelRequested && (
        <form method="post" action={`/portal/imports/${view.id}/cancel`}>
          <button type="submit" class="danger">
            {t('licensing.import.cancel')}
          </button>
        </form>
      )}
    </section>
  );
}

const signed = (delta: number, number: (n: number) => string) =>
  `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${number(Math.abs(delta))}`;

function Figures({ view }: { view: ImportView }) {
  const { t, format } = useI18n();
  const preview = view.preview;
  if (!preview) return null;
  const rows: { scope: string; bucket: string; change: FiguresChange['internal'] }[] = [];
  for (const [scope, figures] of [
    [t('licensing.import.installation'), preview.installation],
    [t('licensing.import.environmentScope', { environment: view.environment.name }), preview.environment],
  ] as const) {
    rows.push({ scope, bucket: t('licensing.import.internal'), change: figures.internal });
    rows.push({ scope, bucket: t('licensing.import.external'), change: figures.external });
  }
  return (
    <section class="card" aria-labelledby="figures">
      <h2 id="figures">{t('licensing.import.figures')}</h2>
      <DataTable
        caption={t('licensing.import.figures')}
        captionHidden
        rows={rows}
        columns={[
          { header: t('licensing.import.scope'), cell: (r) => r.scope },
          { header: '', rowHeader: true, cell: (r) => r.bucket },
          { header: t('licensing.import.now'), numeric: true, cell: (r) => format.number(r.change.before) },
          { header: t('licensing.import.after'), numeric: true, cell: (r) => format.number(r.change.after) },
          {
            header: t('licensing.import.change'),
            numeric: true,
            cell: (r) => signed(r.change.after - r.change.before, format.number),
          },
        ]}
      />
    </section>
  );
}

function Columns({ view, admin }: { view: ImportView; admin: boolean }) {
  const { t } = useI18n();
  const preview = view.preview;
  if (!preview) return null;
  const fieldName = (field: string | null) =>
    field === null ? t('licensing.import.notRead') : t(`licensing.import.field.${field}` as MessageKey);
  const table = (
    <DataTable
      caption={t('licensing.import.columns')}
      captionHidden
      rows={preview.columns}
      columns={[
        { header: t('licensing.import.column'), numeric: true, cell: (c) => c.column },
        { header: t('licensing.import.header'), rowHeader: true, cell: (c) => c.header },
        {
          header: t('licensing.import.readAs'),
          cell: (c) =>
            admin ? (
              <>
                <input type="hidden" name={`header-${c.column}`} value={c.header} />
                <select name={`column-${c.column}`} aria-label={`${t('licensing.import.readAs')}: ${c.header}`}>
                  <option value="" selected={c.readAs === null}>
                    {t('licensing.import.notRead')}
                  </option>
                  {CHOOSABLE_FIELDS.map((field) => (
                    <option value={field} selected={c.readAs === field}>
                      {fieldName(field)}
                    </option>
                  ))}
                </select>
              </>
            ) : (
              fieldName(c.readAs)
            ),
        },
        {
          header: t('licensing.import.why'),
          cell: (c) =>
            c.chosen
              ? t('licensing.import.chosen')
              : c.status === 'unrecognised'
                ? t('licensing.import.unrecognised')
                : c.status === 'not-needed'
                  ? (c.why ?? t('licensing.import.notNeeded'))
                  : (c.why ?? ''),
        },
      ]}
    />
  );
  return (
    <section class="card" aria-labelledby="columns">
      <h2 id="columns">{t('licensing.import.columns')}</h2>
      <p class="hint">{t('licensing.import.columnsHint', { platform: platformName(t, preview.platform) })}</p>
      {admin ? (
        <form method="post" action={`/portal/imports/${view.id}/columns`}>
          {table}
          <button type="submit" class="secondary">
            {t('licensing.import.reread')}
          </button>
        </form>
      ) : (
        table
      )}
    </section>
  );
}

function Rows({ view }: { view: ImportView }) {
  const { t, format } = useI18n();
  const preview = view.preview;
  if (!preview) return null;
  const shared = preview.providers.filter((p) => p.sharedEmails + p.sharedUsernames > 0);
  return (
    <>
      <section class="card" aria-labelledby="rows">
        <h2 id="rows">{t('licensing.import.rows')}</h2>
        <DataTable
          caption={t('licensing.import.rows')}
          captionHidden
          rows={preview.providers}
          columns={[
            { header: t('licensing.import.providerColumn'), rowHeader: true, cell: (p) => p.provider },
            { header: t('licensing.import.rowCount'), numeric: true, cell: (p) => format.number(p.rows) },
            { header: t('licensing.import.kept'), numeric: true, cell: (p) => format.number(p.kept) },
            { header: t('licensing.import.added'), numeric: true, cell: (p) => format.number(p.added) },
            { header: t('licensing.import.removed'), numeric: true, cell: (p) => format.number(p.removed) },
          ]}
        />
        {preview.anonymous > 0 && <p>{t('licensing.import.anonymous', { count: preview.anonymous })}</p>}
      </section>
      <section class="card" aria-labelledby="duplicates">
        <h2 id="duplicates">{t('licensing.import.duplicates')}</h2>
        {shared.length === 0 ? (
          <p>{t('licensing.import.noDuplicates')}</p>
        ) : (
          <ul>
            {shared.map((p) => (
              <li>
                {t('licensing.import.shared', {
                  provider: p.provider,
                  emails: p.sharedEmails,
                  usernames: p.sharedUsernames,
                })}{' '}
                {p.examples.length > 0 && t('licensing.import.examples', { examples: p.examples.join(', ') })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function ImportPage({ principal, view }: { principal: Principal; view: ImportView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const admin = isAdmin(principal);
  const running = view.status === 'running' || (view.status === 'done' && view.phase === 'counting');
  // A file read again with other columns names the import that read it (ENDED_WITHOUT_SWITCH.readAgain).
  const readAgain = view.problems.find((problem) => typeof problem !== 'string' && problem.code === 'read-again');
  const newer = typeof readAgain === 'object' ? readAgain.values.newer : undefined;
  return (
    <Layout
      title={t('licensing.import.title', { environment: view.environment.name })}
      principal={principal}
      refreshSeconds={running ? 2 : undefined}
    >
      {view.status === 'running' && <Progress view={view} admin={admin} />}
      {view.status === 'preview' && (
        <>
          <Alert kind="success">{t('licensing.import.previewNotice')}</Alert>
          <Figures view={view} />
          <Rows view={view} />
          <Columns view={view} admin={admin} />
          {admin && (
            <div class="actions">
              <form method="post" action={`/portal/imports/${view.id}/confirm`}>
                <button type="submit">{t('licensing.import.confirm')}</button>
              </form>
              <form method="post" action={`/portal/imports/${view.id}/cancel`}>
                <button type="submit" class="secondary">
                  {t('licensing.import.cancel')}
                </button>
              </form>
            </div>
          )}
        </>
      )}
      {view.status === 'done' && (
        <Alert kind="success">
          {t('licensing.import.done', { rows: view.rowsWritten, providers: view.providers.join(', ') })}
          {view.phase === 'counting' && ` ${t('licensing.import.doneCounting')}`}
        </Alert>
      )}
      {view.status === 'failed' && (
        <Alert kind="error">
          {t('licensing.import.failed')}
          <ul>
            {view.problems.map((problem) => (
              // Imports stored before their problems were kept as facts hold English text: marked so for screen readers.
              <li lang={isWorded(problem) ? undefined : 'en'}>{importProblemSentence(i18n, problem)}</li>
            ))}
          </ul>
        </Alert>
      )}
      {view.status === 'cancelled' && (
        <Alert kind="error">
          {t('licensing.import.cancelled')}
          {newer !== undefined && (
            <>
              {' '}
              <a href={`/portal/imports/${newer}`}>{t('licensing.import.readAgainLink')}</a>
            </>
          )}
        </Alert>
      )}
      <p>
        <a href={`/portal/environments/${view.environment.id}`}>{t('licensing.import.back')}</a>
      </p>
    </Layout>
  );
}

function RefusedPage({ principal, message, envId }: { principal: Principal; message: string; envId: string }) {
  const { t } = useI18n();
  return (
    <Layout title={t('licensing.import.refusedTitle')} principal={principal}>
      <Alert kind="error">{message}</Alert>
      <p>
        <a href={`/portal/environments/${envId}`}>{t('licensing.import.back')}</a>
      </p>
    </Layout>
  );
}

interface ReceivedForm {
  fields: Record<string, string>;
  file: Readable | null;
}

/** Reads a multipart form as it arrives: the fields before the file, then the file as a stream. */
function receiveForm(c: Context<AppEnv>): Promise<ReceivedForm> {
  const type = c.req.header('content-type') ?? '';
  const body = c.req.raw.body;
  if (!type.startsWith('multipart/form-data') || !body) return Promise.resolve({ fields: {}, file: null });
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let answered = false;
    const parser = busboy({ headers: { 'content-type': type }, limits: { files: 1, fields: 20, fieldSize: 4096 } });
    parser.on('field', (name, value) => {
      fields[name] = value.trim();
    });
    parser.on('file', (name, stream) => {
      if (name !== 'file' || answered) {
        stream.resume();
        return;
      }
      answered = true;
      resolve({ fields: { ...fields }, file: stream });
    });
    parser.on('close', () => {
      if (!answered) resolve({ fields, file: null });
    });
    parser.on('error', (error) => (answered ? undefined : reject(error)));
    Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>).pipe(parser);
  });
}

async function rememberedColumns(deps: LicensingDeps, environmentId: string, provider: string) {
  const row = await deps.db
    .selectFrom('licence_providers')
    .select('column_mapping')
    .where('environment_id', '=', environmentId)
    .where('name', '=', provider)
    .executeTakeFirst();
  if (!row?.column_mapping) return undefined;
  const parsed = columnChoices.safeParse(JSON.parse(row.column_mapping));
  return parsed.success ? parsed.data : undefined;
}

async function renderImport(deps: LicensingDeps, c: Context<AppEnv>, id: string) {
  await deps.licensing.ready();
  const view = await importView(deps, id);
  if (!view) throw notFound('The import');
  return html(c, <ImportPage principal={principalOf(c)} view={view} />);
}

export const importPages = (deps: LicensingDeps) =>
  new Hono<AppEnv>()
    .post('/environments/:id/import', requirePage('admin'), largeBody(IMPORT_ROUTE_BODY_LIMIT), async (c) => {
      const environmentId = c.req.param('id');
      const { fields, file } = await receiveForm(c);
      const encoding = ENCODINGS.find((e) => e === fields.encoding) ?? 'utf-8';
      const provider = fields.provider ? fields.provider.slice(0, 100) : undefined;
      const columns = provider ? await rememberedColumns(deps, environmentId, provider) : undefined;
      const options: ImportOptions = {
        encoding,
        confirm: true,
        strict: false,
        ...(provider ? { provider } : {}),
        ...(columns ? { columns } : {}),
      };
      try {
        const view = await startImport(deps, actorOf(c), environmentId, file ?? emptyFile(), options);
        return redirectWithFlash(c, `/portal/imports/${view.id}`, { key: 'forms.import.started' });
      } catch (error) {
        file?.resume();
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        return html(
          c,
          <RefusedPage
            principal={principalOf(c)}
            message={localise(error.text, await i18nOf(c))}
            envId={environmentId}
          />,
          error.status === 413 ? 413 : 400,
        );
      }
    })
    .get('/imports/:id', requirePage('staffRead'), (c) => renderImport(deps, c, c.req.param('id')))
    .post('/imports/:id/cancel', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      try {
        await cancelImport(deps, actorOf(c), id);
      } catch (error) {
        // Finished meanwhile: its page says how it ended, and the flash why nothing was done.
        if (!(error instanceof ApiError) || error.status !== 409) throw error;
        return redirectWithFlash(c, `/portal/imports/${id}`, { key: 'forms2.import.notCancelled', refused: true });
      }
      return redirectWithFlash(c, `/portal/imports/${id}`, { key: 'forms.import.cancelled' });
    })
    .post('/imports/:id/confirm', requirePage('admin'), async (c) => {
      const id = c.req.param('id');
      try {
        await confirmImport(deps, actorOf(c), id);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 409) throw error;
        return redirectWithFlash(c, `/portal/imports/${id}`, { key: 'forms2.import.notConfirmed', refused: true });
      }
      return redirectWithFlash(c, `/portal/imports/${id}`, { key: 'forms.import.confirmed' });
    })
    .post('/imports/:id/columns', requirePage('admin'), async (c) => {
      const values = await formValues(c);
      const choices: Record<string, string | null> = {};
      for (const [name, header] of Object.entries(values)) {
        const column = /^header-(\d+)$/.exec(name)?.[1];
        if (column === undefined) continue;
        choices[header] = values[`column-${column}`] || null;
      }
      const parsed = columnChoices.safeParse(choices);
      if (!parsed.success) throw new ApiError(400, 'validation_failed', 'Choose how to read each column.');
      const view = await rereadImport(deps, actorOf(c), c.req.param('id'), parsed.data);
      return redirectWithFlash(c, `/portal/imports/${view.id}`, { key: 'forms.import.reread' });
    });

async function* emptyFile(): AsyncGenerator<Uint8Array> {}
