// An audit event in words (issue 18): "Mina Sato deactivated Ken Ito", each person linked to their page. The catalog
// holds one sentence per action with {actor} and {target}; the page puts links where they stand in the language.
import type { I18n } from '../i18n/messages.ts';
import { isMessageKey } from '../i18n/messages.ts';
import { useI18n } from '../i18n/request.ts';
import type { TrailEvent, TrailPerson } from './trail.ts';

const ACTOR = '\uE000';
const TARGET = '\uE001';

function actorName(t: I18n['t'], event: TrailEvent): string {
  if (event.ip === 'system') return t('audit.words.system');
  if (event.actor.id) return event.actor.name || event.actor.email || t('audit.words.erasedAccount');
  return event.actor.email ?? t('audit.words.someone');
}

function targetName(t: I18n['t'], target: TrailPerson | null): string {
  if (!target) return t('audit.words.unknownAccount');
  return target.name || target.email || t('audit.words.erasedAccount');
}

const sentenceKey = (action: string) => `audit.words.${action}`;

/** The sentence as plain text (the CSV export). */
export function sentenceText(t: I18n['t'], event: TrailEvent): string {
  const key = sentenceKey(event.action);
  const actor = actorName(t, event);
  if (!isMessageKey(key)) return `${actor}: ${event.action}`;
  return t(key, { actor, target: targetName(t, event.target) });
}

function Person({ name, id }: { name: string; id: string | null | undefined }) {
  return id ? <a href={`/portal/users/${id}`}>{name}</a> : name;
}

export function AuditSentence({ event }: { event: TrailEvent }) {
  const { t } = useI18n();
  const key = sentenceKey(event.action);
  const actor = <Person name={actorName(t, event)} id={event.ip === 'system' ? null : event.actor.id} />;
  if (!isMessageKey(key)) {
    return (
      <>
        {actor}: <code>{event.action}</code>
      </>
    );
  }
  const target = <Person name={targetName(t, event.target)} id={event.target?.id} />;
  const parts = t(key, { actor: ACTOR, target: TARGET }).split(/([\uE000\uE001])/);
  return <>{parts.map((part) => (part === ACTOR ? actor : part === TARGET ? target : part))}</>;
}
