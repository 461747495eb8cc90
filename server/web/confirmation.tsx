// The second step of an action that takes people offline, lowers capacity, revokes or deactivates: it says what will
// happen in numbers, worked out from the live figures, and acts only when the same form comes back confirmed.
import type { Principal } from '../auth/principal.ts';
import { useI18n } from '../i18n/request.ts';
import { Alert, Layout } from './layout.tsx';

/** The field a confirmed form carries. */
export const CONFIRMED_FIELD = 'confirmed';

export const isConfirmed = (values: Record<string, string | undefined>) => values[CONFIRMED_FIELD] === '1';

export interface ConfirmationProps {
  principal: Principal;
  title: string;
  /** What will happen, one sentence each, with the numbers in them. */
  consequences: string[];
  /** Where the confirmed form goes (the same action that asked). */
  action: string;
  /** The form's fields as they were sent, sent again with the confirmation. */
  fields?: Record<string, string>;
  confirmLabel: string;
  /** Back to where the person came from, nothing done. */
  back: string;
}

export function Confirmation(props: ConfirmationProps) {
  const { t } = useI18n();
  return (
    <Layout title={props.title} principal={props.principal} narrow>
      <Alert kind="error">
        <p>{t('portalUx.confirm.intro')}</p>
        <ul class="consequences">
          {props.consequences.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      </Alert>
      <form method="post" action={props.action} class="confirm-actions">
        {Object.entries(props.fields ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name={CONFIRMED_FIELD} value="1" />
        <button type="submit" class="danger">
          {props.confirmLabel}
        </button>
        <a href={props.back} class="button secondary-link">
          {t('portalUx.confirm.back')}
        </a>
      </form>
    </Layout>
  );
}
