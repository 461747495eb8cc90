// /portal/exams/:id/access: who may sit an exam and when (issue 17), and its invitations. Script-free forms; a refused
// form comes back with what was typed and the message beside the field to fix.
import { type Context, Hono } from 'hono';
import { principalOf } from '../../http/auth.ts';
import type { AppEnv } from '../../http/env.ts';
import { ApiError, type FieldErrors, fieldErrorsFrom, localiseFields } from '../../http/errors.ts';
import { instantOf, wallClockText } from '../../i18n/calendar.ts';
import { i18nOf, localeOf, useI18n } from '../../i18n/request.ts';
import { DataTable } from '../../web/data-table.tsx';
import { redirectWithFlash } from '../../web/flash.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import { html, requirePage } from '../../web/page-helpers.tsx';
import {
  ACCESS_RULES,
  type AccessSettings,
  accessOf,
  accessSettings,
  type Invitation,
  invitationsOf,
  invite,
  readInvitationList,
  setAccess,
  withdrawInvitation,
} from '../access.ts';
import { getExam } from '../authoring.ts';
import type { ExamsDeps } from '../context.ts';
import type { Exam } from '../tables.ts';

/** The rule and window in one or two sentences: on the exam's page and above the form. */
export function AccessSummary({ access, invited }: { access: AccessSettings; invited: number }) {
  const { t, format } = useI18n();
  const rule =
    access.rule === 'invited'
      ? t('exams.access.summary.invited', { count: invited })
      : access.rule === 'code'
        ? t('exams.access.summary.code', { code: access.accessCode ?? '' })
        : access.rule === 'domains'
          ? t('exams.access.summary.domains', { domains: access.domains.join(', ') })
          : t('exams.access.summary.everyone');
  return (
    <p>
      {rule} {!access.opensAt && !access.closesAt && t('exams.access.window.always')}
      {access.opensAt && t('exams.access.window.from', { at: format.dateTime(access.opensAt) })}{' '}
      {access.closesAt && t('exams.access.window.until', { at: format.dateTime(access.closesAt) })}
    </p>
  );
}

/** The card on the exam's portal page: the rule, and a link to change it. */
export async function accessCard(deps: ExamsDeps, exam: Exam) {
  const access = await accessOf(deps, exam.id);
  const invited = (await invitationsOf(deps, exam.id)).length;
  return <AccessCard examId={exam.id} access={access} invited={invited} />;
}

function AccessCard({ examId, access, invited }: { examId: string; access: AccessSettings; invited: number }) {
  const { t } = useI18n();
  return (
    <section class="card" aria-labelledby="access">
      <h2 id="access">{t('exams.access.heading')}</h2>
      <AccessSummary access={access} invited={invited} />
      <p>
        <a href={`/portal/exams/${examId}/access`}>{t('exams.access.change')}</a>
      </p>
    </section>
  );
}

interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

interface PageState {
  rule?: FormState;
  invite?: FormState;
}

function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p class="field-error" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
}

const invalid = (error: string | undefined, id: string) =>
  error ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${id}-error` } : {};

async function render(deps: ExamsDeps, c: Context<AppEnv>, state: PageState = {}, status: 200 | 400 = 200) {
  const principal = principalOf(c);
  const exam = await getExam(deps, c.req.param('id') ?? '');
  const access = await accessOf(deps, exam.id);
  const invitations = await invitationsOf(deps, exam.id);
  const zone = await deps.organisationTimeZone();
  const admin = principal.account.role === 'admin';
  const { t, format } = await i18nOf(c);
  const local = (at: string | null) => (at ? wallClockText(new Date(at), zone) : '');
  const values = state.rule?.values ?? {
    rule: access.rule,
    accessCode: access.accessCode ?? '',
    domains: access.domains.join('\n'),
    opensAt: local(access.opensAt),
    closesAt: local(access.closesAt),
  };
  const errors = state.rule?.errors ?? {};
  const inviteErrors = state.invite?.errors ?? {};
  const action = `/portal/exams/${exam.id}/access`;
  return html(
    c,
    <Layout title={t('exams.access.title', { exam: exam.title })} principal={principal}>
      {status === 400 && <Alert kind="error">{Object.values({ ...errors, ...inviteErrors }).join(' ')}</Alert>}
      <section class="card" aria-labelledby="rule-heading">
        <h2 id="rule-heading">{t('exams.access.heading')}</h2>
        <AccessSummary access={access} invited={invitations.length} />
        {admin && (
          <form method="post" action={action}>
            <fieldset>
              <legend>{t('exams.access.rule')}</legend>
              {ACCESS_RULES.map((rule) => (
                <label class="choice" key={rule}>
                  <input type="radio" name="rule" value={rule} checked={values.rule === rule} />
                  <span>{t(`exams.access.rule.${rule}`)}</span>
                </label>
              ))}
              <FieldError id="rule" error={errors.rule} />
            </fieldset>
            <label for="accessCode">{t('exams.access.codeLabel')}</label>
            <input
              id="accessCode"
              name="accessCode"
              value={values.accessCode ?? ''}
              autocomplete="off"
              {...invalid(errors.accessCode, 'accessCode')}
            />
            <p class="hint">{t('exams.access.codeHint')}</p>
            <FieldError id="accessCode" error={errors.accessCode} />
            <label for="domains">{t('exams.access.domainsLabel')}</label>
            <textarea id="domains" name="domains" rows={3} {...invalid(errors.domains, 'domains')}>
              {values.domains ?? ''}
            </textarea>
            <p class="hint">{t('exams.access.domainsHint')}</p>
            <FieldError id="domains" error={errors.domains} />
            <label for="opensAt">{t('exams.access.opensLabel')}</label>
            <input
              id="opensAt"
              name="opensAt"
              type="datetime-local"
              value={values.opensAt ?? ''}
              {...invalid(errors.opensAt, 'opensAt')}
            />
            <FieldError id="opensAt" error={errors.opensAt} />
            <label for="closesAt">{t('exams.access.closesLabel')}</label>
            <input
              id="closesAt"
              name="closesAt"
              type="datetime-local"
              value={values.closesAt ?? ''}
              {...invalid(errors.closesAt, 'closesAt')}
            />
            <FieldError id="closesAt" error={errors.closesAt} />
            <p class="hint">{t('exams.access.windowHint', { zone })}</p>
            <button type="submit">{t('exams.access.save')}</button>
          </form>
        )}
      </section>
      <section class="card" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">{t('exams.access.invitations')}</h2>
        <p class="hint">{t('exams.access.invitationsRuleNote')}</p>
        {invitations.length === 0 ? (
          <p>{t('exams.access.invitationsNone')}</p>
        ) : (
          <DataTable<Invitation>
            caption={t('exams.access.invitations')}
            captionHidden
            rows={invitations}
            columns={[
              { header: t('exams.access.emailsLabel'), cell: (i) => i.email },
              { header: t('exams.access.invitedAt'), cell: (i) => format.dateTime(i.invitedAt) },
              ...(admin
                ? [
                    {
                      header: t('exams.access.withdraw'),
                      cell: (i: Invitation) => (
                        <form method="post" action={`/portal/exams/${exam.id}/invitations/withdraw`}>
                          <input type="hidden" name="email" value={i.email} />
                          <button type="submit" class="secondary">
                            {t('exams.access.withdraw')}
                          </button>
                        </form>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
        {admin && (
          <form method="post" action={`/portal/exams/${exam.id}/invitations`} enctype="multipart/form-data">
            <label for="emails">{t('exams.access.emailsLabel')}</label>
            <textarea id="emails" name="emails" rows={4} {...invalid(inviteErrors.emails, 'emails')}>
              {state.invite?.values.emails ?? ''}
            </textarea>
            <p class="hint">{t('exams.access.emailsHint')}</p>
            <FieldError id="emails" error={inviteErrors.emails} />
            <label for="csv">{t('exams.access.csvLabel')}</label>
            <input id="csv" name="csv" type="file" accept=".csv,text/csv,text/plain" />
            <p class="hint">{t('exams.access.csvHint')}</p>
            <button type="submit">{t('exams.access.invite')}</button>
          </form>
        )}
      </section>
      <p>
        <a href={`/portal/exams/${exam.id}`}>{t('exams.access.back')}</a>
      </p>
    </Layout>,
    status,
  );
}

/** The form's fields as the API's body: wall-clock times read in the organisation's zone, domains one per line. */
function settingsFrom(values: Record<string, string>, zone: string) {
  const errors: Record<string, 'exams.access.field.instant'> = {};
  const instant = (name: 'opensAt' | 'closesAt') => {
    const text = values[name]?.trim() ?? '';
    if (!text) return null;
    const at = instantOf(text, zone);
    if (!at) errors[name] = 'exams.access.field.instant';
    return at?.toISOString() ?? null;
  };
  const input = {
    rule: values.rule,
    accessCode: values.accessCode?.trim() || null,
    domains: (values.domains ?? '').split(/[\s,;]+/).filter(Boolean),
    opensAt: instant('opensAt'),
    closesAt: instant('closesAt'),
  };
  return { input, errors };
}

/** Messages by form field: `domains.1` is said beside the one domains box. */
const byField = (errors: FieldErrors): FieldErrors => {
  const fields: FieldErrors = {};
  for (const [path, text] of Object.entries(errors)) {
    const name = path.split(/[.[]/)[0] ?? path;
    fields[name] = fields[name] ? `${fields[name]} ${text}` : text;
  }
  return fields;
};

const stringsOf = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));

export const examAccessPages = (deps: ExamsDeps) =>
  new Hono<AppEnv>()
    .get('/:id/access', requirePage('staffRead'), (c) => render(deps, c))
    .post('/:id/access', requirePage('admin'), async (c) => {
      const values = stringsOf(await c.req.parseBody());
      const reader = await i18nOf(c);
      const { input, errors } = settingsFrom(values, await deps.organisationTimeZone());
      const parsed = accessSettings.safeParse(input);
      const fields = {
        ...(parsed.success ? {} : byField(localiseFields(fieldErrorsFrom(parsed.error), reader))),
        ...Object.fromEntries(Object.entries(errors).map(([k, key]) => [k, reader.t(key)])),
      };
      if (!parsed.success || Object.keys(fields).length)
        return render(deps, c, { rule: { values, errors: fields } }, 400);
      try {
        await setAccess(deps, c.req.param('id'), parsed.data);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        return render(deps, c, { rule: { values, errors: byField(error.fieldsFor(reader) ?? {}) } }, 400);
      }
      return redirectWithFlash(c, `/portal/exams/${c.req.param('id')}/access`, { key: 'exams.access.saved' });
    })
    .post('/:id/invitations', requirePage('admin'), async (c) => {
      const body = await c.req.parseBody();
      const typed = typeof body.emails === 'string' ? body.emails : '';
      const file = body.csv instanceof File ? await body.csv.text() : '';
      const reader = await i18nOf(c);
      try {
        const emails = readInvitationList(`${typed}\n${file}`);
        const invited = await invite(deps, c.req.param('id'), emails, localeOf(c));
        return redirectWithFlash(c, `/portal/exams/${c.req.param('id')}/access`, {
          key: 'exams.access.invitedCount',
          values: { count: invited.length },
        });
      } catch (error) {
        if (!(error instanceof ApiError) || error.status === 404) throw error;
        return render(deps, c, { invite: { values: { emails: typed }, errors: error.fieldsFor(reader) ?? {} } }, 400);
      }
    })
    .post('/:id/invitations/withdraw', requirePage('admin'), async (c) => {
      const email = String((await c.req.parseBody()).email ?? '');
      await withdrawInvitation(deps, c.req.param('id'), email);
      return redirectWithFlash(c, `/portal/exams/${c.req.param('id')}/access`, { key: 'exams.access.withdrawn' });
    });
