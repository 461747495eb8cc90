// The toolbar popup, for support staff on the phone with someone: type an email or username and see at once whether
// it is Internal or External and why (the cached rules, offline), then what the server knows, and the capacity.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { LicenceSummary, LookupResponse } from '../../shared/api/extension-contract.ts';
import type { ClassificationResult } from '../../shared/licensing/index.ts';
import { emailIn } from '../consoles/values.ts';
import { rulesResolver } from '../environment-rules.ts';
import { around, formatDay, formatMoment, type MessageKey, t } from '../i18n.ts';
import { ask } from '../messaging.ts';
import { classificationName, classifyHere, countedAs, flagNote } from '../reasons.ts';
import { describeMatch, notCountedWhy } from '../server-facts.ts';
import { connection, environmentRules, licenceSummary } from '../storage.ts';
import { describeUsage } from '../toolbar.ts';
import { TextField } from './text-field.tsx';
import { useStored } from './use-stored.ts';

/** Waits for a pause in typing before asking the server. */
const ASK_AFTER_MS = 250;

/**
 * What the typed or pasted text stands for. An address is also tried as a username (OutSystems often uses one for
 * both), and is taken out of what a mail client copies: "Jane Doe <jane@x.com>", "jane@x.com (unverified)".
 */
export function identityOf(typed: string): { username: string; email?: string } {
  const value = typed.trim();
  const email = emailIn(value);
  return email ? { username: email, email } : { username: value };
}

/** A verdict in one environment: where the account was found, or the chosen one when Seatkeeper does not know it. */
interface Verdict {
  environment: string;
  result: ClassificationResult;
  /** True when Seatkeeper holds the account there (its own username and email were classified). */
  found: boolean;
}

/**
 * The verdicts to show: before the server answers, in the chosen environment from the cached rules; once it answers,
 * in each environment where it holds the account (with the stored username and email, and the server's own
 * classification when the cached rules are older), or in the chosen one when it holds it nowhere.
 */
export function verdictsFor(
  identity: { username: string; email?: string },
  chosen: string,
  resolve: ReturnType<typeof rulesResolver>,
  answer: LookupResponse | null,
): Verdict[] {
  const matches = answer?.results[0]?.matches ?? [];
  if (matches.length === 0)
    return [{ environment: chosen, result: classifyHere(resolve(chosen), identity), found: false }];
  const byEnvironment = new Map<string, LookupResponse['results'][number]['matches'][number]>();
  for (const match of matches) if (!byEnvironment.has(match.environment)) byEnvironment.set(match.environment, match);
  // The chosen environment first, where the account is there too.
  const order = [...byEnvironment].sort(([a], [b]) => Number(b === chosen) - Number(a === chosen));
  return order.map(([environment, match]) => {
    const local = classifyHere(resolve(environment), { username: match.username, email: match.email });
    const result: ClassificationResult =
      local.classification === match.classification
        ? local
        : {
            classification: match.classification,
            reason: t('reasonServerNewer'),
            flags: [],
          };
    return { environment, result, found: true };
  });
}

const LICENCE_TYPES: Record<string, MessageKey> = {
  subscription: 'licenceTypeSubscription',
  demo: 'licenceTypeDemo',
  internal: 'licenceTypeInternal',
  trial: 'licenceTypeTrial',
};
const LICENCE_STATES: Record<string, MessageKey> = {
  active: 'licenceStateActive',
  'ending-soon': 'licenceStateEndingSoon',
  expired: 'licenceStateExpired',
  cancelled: 'licenceStateCancelled',
};
// A newer server's type or state this catalog has no word for is shown as the server names it.
const wordFor = (words: Record<string, MessageKey>, value: string) => {
  const key = Object.hasOwn(words, value) ? words[value] : undefined;
  return key ? t(key) : value;
};

function licenceLine(licence: NonNullable<LicenceSummary['licence']>): string {
  const type = wordFor(LICENCE_TYPES, licence.type);
  const state = wordFor(LICENCE_STATES, licence.state);
  return licence.endsOn
    ? t('capacityLicenceEnds', type, state, formatDay(licence.endsOn))
    : t('capacityLicence', type, state);
}

function Capacity({ summary }: { summary: LicenceSummary | null | undefined }) {
  if (!summary) return <p class="hint">{t('capacityNoFigures')}</p>;
  const row = (bucket: 'internal' | 'external', usage: LicenceSummary['internal']) => (
    <li class={usage.level ? `level-${usage.level}` : undefined} data-bucket={bucket}>
      {describeUsage(classificationName(bucket), usage)}
    </li>
  );
  return (
    <section aria-labelledby="capacity-heading" id="capacity">
      <h2 id="capacity-heading">{t('capacityHeading')}</h2>
      <ul class="plain">
        {row('internal', summary.internal)}
        {row('external', summary.external)}
      </ul>
      {summary.licence && <p class="hint">{licenceLine(summary.licence)}</p>}
      {summary.breaches.map((breach) => (
        <p class="message error" key={breach.code}>
          {breach.message}
        </p>
      ))}
      <p class="hint">{t('asOf', formatMoment(summary.asOf))}</p>
    </section>
  );
}

function ServerAnswer({ answer }: { answer: LookupResponse }) {
  const result = answer.results[0];
  if (!result) return null;
  if (result.matches.length === 0) {
    return <p id="server-answer">{t('popupNoAccount')}</p>;
  }
  const byRef = new Map(result.matches.map((match) => [match.ref, match]));
  return (
    <ul class="plain" id="server-answer">
      {result.matches.map((match) => {
        const merged = match.mergedWith.map((ref) => {
          const other = byRef.get(ref);
          return other ? describeMatch(other) : ref;
        });
        const why = notCountedWhy(match);
        return (
          <li key={match.ref} data-ref={match.ref}>
            <strong>
              {match.environment} / {match.provider}
            </strong>
            :{' '}
            {t(
              'popupMatch',
              match.username || match.email,
              t(match.active ? 'statusActive' : 'statusInactive'),
              match.counted
                ? countedAs(match.classification)
                : why
                  ? t('popupNotCountedBecause', why)
                  : t('notCounted'),
            )}
            <br />
            <span class="hint">
              {t('lastSignIn', match.lastSignInAt ? formatMoment(match.lastSignInAt) : t('neverSignedIn'))}
            </span>
            {merged.length > 0 && (
              <>
                <br />
                <span class="hint">{t('mergedWith', merged.join('; '))}</span>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** "in <strong>Production</strong>:", its words around the name in the language's order. */
function InEnvironment({ environment, message, id }: { environment: string; message: MessageKey; id?: string }) {
  const [before, after] = around(message);
  return (
    <>
      {before}
      <strong id={id}>{environment}</strong>
      {after}
    </>
  );
}

export function PopupPage() {
  const state = useStored(connection);
  const summary = useStored(licenceSummary);
  const stored = useStored(environmentRules);
  const environments = stored ?? [];
  const [typed, setTyped] = useState('');
  const [environmentId, setEnvironmentId] = useState('');
  const [answer, setAnswer] = useState<LookupResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const resolve = useMemo(() => rulesResolver(environments), [environments]);
  const chosen = environmentId || environments.find((environment) => environment.production)?.id || '';
  const chosenName =
    environments.find((environment) => environment.id === chosen)?.name ?? resolve(undefined).environment;
  const identity = typed.trim() ? identityOf(typed) : null;
  // Not before the cached rules are read: an empty rule set would call everyone internal.
  const verdicts = identity && stored ? verdictsFor(identity, chosenName, resolve, answer) : [];
  const [first, ...others] = verdicts;
  const signedIn = state?.state === 'signed-in';

  useEffect(() => {
    setAnswer(null);
    setProblem(null);
    if (!identity || !signedIn) return;
    let current = true;
    const timer = setTimeout(async () => {
      const reply = await ask({ type: 'lookup', accounts: [identity], ...(chosen && { environment: chosen }) });
      if (!current) return;
      if (reply.ok) setAnswer(reply.value);
      else setProblem(reply.error.message);
    }, ASK_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [typed, chosen, signedIn]);

  return (
    <main>
      <h1>Seatkeeper</h1>
      {!signedIn && (
        <p class="message info" id="popup-connection">
          {state?.message ?? '…'}{' '}
          <button type="button" class="secondary" onClick={() => browser.runtime.openOptionsPage()}>
            {t('popupOptions')}
          </button>
        </p>
      )}
      <form onSubmit={(event) => event.preventDefault()}>
        <TextField id="who" label={t('popupWho')} type="search" autocomplete="off" value={typed} onValue={setTyped} />
        {environments.length > 1 && (
          <>
            <label for="environment">{t('popupEnvironment')}</label>
            <select id="environment" value={chosen} onChange={(event) => setEnvironmentId(event.currentTarget.value)}>
              {environments.map((environment) => (
                <option key={environment.id} value={environment.id}>
                  {environment.name}
                </option>
              ))}
            </select>
          </>
        )}
      </form>
      {first && (
        <section aria-live="polite" id="classification">
          <p>
            <span class={`label ${first.result.classification}`} id="verdict">
              {classificationName(first.result.classification)}
            </span>{' '}
            <InEnvironment
              environment={first.environment}
              message={first.found ? 'popupVerdictFound' : 'popupVerdictCached'}
              id="verdict-environment"
            />{' '}
            <span id="reason">{first.result.reason}</span>
          </p>
          {first.result.flags.map((flag) => (
            <p class="hint" key={flag}>
              {flagNote(flag)}
            </p>
          ))}
          {others.length > 0 && (
            <ul class="plain" id="other-environments">
              {others.map((verdict) => (
                <li key={verdict.environment}>
                  <span class={`label ${verdict.result.classification}`}>
                    {classificationName(verdict.result.classification)}
                  </span>{' '}
                  <InEnvironment environment={verdict.environment} message="popupVerdictOther" />{' '}
                  {verdict.result.reason}
                </li>
              ))}
            </ul>
          )}
          {answer && <ServerAnswer answer={answer} />}
          {problem && <p class="message error">{problem}</p>}
          {!answer && !problem && signedIn && <p class="hint">{t('popupAsking')}</p>}
        </section>
      )}
      <Capacity summary={summary} />
    </main>
  );
}
