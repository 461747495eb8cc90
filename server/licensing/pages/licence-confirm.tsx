// Saving a licence that lowers capacity or ends the licence asks first, saying what it will do in numbers (issue 15:
// a form saved again must never lose the licence unnoticed).
import type { Principal } from '../../auth/principal.ts';
import { useI18n } from '../../i18n/request.ts';
import { Alert, Layout } from '../../web/layout.tsx';
import type { LicenceChangeEffect, LicenceInput } from '../licence.ts';

function Effect({ effect }: { effect: LicenceChangeEffect }) {
  const { t, format } = useI18n();
  if (effect.kind === 'ends-now') {
    return <li>{t('licensing.licence.endsNow', { date: format.date(effect.endsOn) })}</li>;
  }
  if (effect.kind === 'ends-earlier') {
    return <li>{t('licensing.licence.endsEarlier', { date: format.date(effect.endsOn), days: effect.days })}</li>;
  }
  const bucket = effect.kind === 'lowers-internal' ? 'internal' : 'external';
  const over = effect.used - effect.after;
  return (
    <li>
      {t(bucket === 'internal' ? 'licensing.licence.lowersInternal' : 'licensing.licence.lowersExternal', {
        before: effect.before,
        after: effect.after,
        used: effect.used,
      })}
      {over > 0 && (
        <>
          {'. '}
          {t('licensing.licence.overCapacity', { bucket, over })}
        </>
      )}
    </li>
  );
}

export function LicenceChangeConfirmation(props: {
  principal: Principal;
  input: LicenceInput;
  effects: LicenceChangeEffect[];
}) {
  const { t } = useI18n();
  const { input } = props;
  const hidden: [string, string][] = [
    ['type', input.type],
    ['startsOn', input.startsOn],
    ['endsOn', input.endsOn ?? ''],
    ['internalPacks', String(input.internalPacks ?? 0)],
    ['externalPacks', String(input.externalPacks ?? 0)],
    ['confirmed', '1'],
  ];
  return (
    <Layout title={t('licensing.licence.confirmTitle')} principal={props.principal}>
      <Alert kind="error">
        {t('licensing.licence.confirmIntro')}
        <ul>
          {props.effects.map((effect) => (
            <Effect effect={effect} />
          ))}
        </ul>
      </Alert>
      <form method="post" action="/portal/licence">
        {hidden.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" class="danger">
          {t('licensing.licence.confirmSave')}
        </button>
      </form>
      <p>
        <a href="/portal/licence">{t('licensing.licence.keepSaved')}</a>
      </p>
    </Layout>
  );
}
