// The options page: which Seatkeeper server, signing in with a personal access token, and the consoles (an origin
// and the environment whose rules apply there). Host permissions are asked for here, one origin at a time, because
// the browser grants them only in answer to a click.
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { originPattern, parseConsoleOrigin } from '../console-origins.ts';
import { around, t } from '../i18n.ts';
import { ask } from '../messaging.ts';
import { parseSignIn } from '../sign-in-input.ts';
import { type ConsoleMapping, connection, consoles, environmentRules, serverUrl } from '../storage.ts';
import { ConsoleTable } from './console-table.tsx';
import { Message, type Note } from './message.tsx';
import { TeachSection } from './teach.tsx';
import { TextField } from './text-field.tsx';
import { useStored } from './use-stored.ts';

/** Where to create a token, with the scope's name as code. */
function TokenHint() {
  const [before, after] = around('optionsTokenHint');
  return (
    <>
      {before}
      <code>read</code>
      {after}
    </>
  );
}

function ServerSection() {
  const state = useStored(connection);
  const savedUrl = useStored(serverUrl);
  const [url, setUrl] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);

  async function signIn(event: Event) {
    event.preventDefault();
    const input = parseSignIn(url ?? savedUrl ?? '', token);
    if (!input.ok) return setNote({ tone: 'error', text: input.message });
    setBusy(true);
    try {
      // First thing in the click handler: the browser grants host access only while the click is fresh.
      const granted = await browser.permissions.request({ origins: [originPattern(input.origin)] });
      if (!granted) {
        return setNote({ tone: 'error', text: t('optionsNeedPermission', input.origin) });
      }
      setNote({ tone: 'info', text: t('optionsChecking', input.origin) });
      const answer = await ask({ type: 'signIn', serverUrl: input.origin, token: input.token, remember });
      if (!answer.ok) return setNote({ tone: 'error', text: answer.error.message });
      setToken('');
      setNote({
        tone: 'ok',
        text: `${answer.value.message} ${t(remember ? 'optionsRemembered' : 'optionsUntilClosed')}`,
      });
    } finally {
      setBusy(false);
    }
  }

  async function act(type: 'signOut' | 'refresh') {
    setBusy(true);
    const answer = await ask({ type });
    setBusy(false);
    if (!answer.ok) return setNote({ tone: 'error', text: answer.error.message });
    setNote({ tone: answer.value.state === 'signed-in' ? 'ok' : 'info', text: answer.value.message });
  }

  const signedIn = state?.state === 'signed-in';
  return (
    <section aria-labelledby="server-heading">
      <h2 id="server-heading">{t('optionsServerHeading')}</h2>
      <p class={`message ${signedIn ? 'ok' : state?.state === 'not-configured' ? 'info' : 'error'}`} id="connection">
        {state?.message ?? '…'}
      </p>
      <form onSubmit={signIn}>
        <TextField
          id="server-url"
          label={t('optionsServerAddress')}
          inputMode="url"
          placeholder="https://certify.example.com"
          value={url ?? savedUrl ?? ''}
          onValue={setUrl}
          required
        />
        <TextField
          id="token"
          label={t('optionsToken')}
          type="password"
          autocomplete="off"
          placeholder="skp_…"
          value={token}
          onValue={setToken}
          required
        />
        <p class="hint">
          <TokenHint />
        </p>
        <label class="inline">
          <input
            id="remember"
            type="checkbox"
            checked={remember}
            onChange={(event) => setRemember(event.currentTarget.checked)}
          />
          {t('optionsRemember')}
        </label>
        <button type="submit" id="sign-in" disabled={busy}>
          {t('optionsSignIn')}
        </button>
        {signedIn && (
          <>
            <button type="button" class="secondary" id="refresh" disabled={busy} onClick={() => act('refresh')}>
              {t('optionsRefresh')}
            </button>
            <button type="button" class="secondary" id="sign-out" disabled={busy} onClick={() => act('signOut')}>
              {t('optionsSignOut')}
            </button>
          </>
        )}
      </form>
      <Message note={note} id="sign-in-message" />
    </section>
  );
}

function ConsolesSection() {
  const list = useStored(consoles) ?? [];
  const environments = useStored(environmentRules) ?? [];
  const server = useStored(serverUrl);
  const [address, setAddress] = useState('');
  const [environmentId, setEnvironmentId] = useState('');
  const [note, setNote] = useState<Note>(null);
  const chosen = environmentId || environments[0]?.id || '';

  async function add(event: Event) {
    event.preventDefault();
    const parsed = parseConsoleOrigin(address);
    if (!parsed.ok) return setNote({ tone: 'error', text: parsed.message });
    if (!chosen) return setNote({ tone: 'error', text: t('optionsSignInFirst') });
    const granted = await browser.permissions.request({ origins: [originPattern(parsed.origin)] });
    if (!granted) {
      return setNote({ tone: 'error', text: t('optionsNoConsolePermission', parsed.origin) });
    }
    const answer = await ask({ type: 'addConsole', origin: parsed.origin, environmentId: chosen });
    if (!answer.ok) return setNote({ tone: 'error', text: answer.error.message });
    setAddress('');
    setNote({ tone: 'ok', text: t('optionsAdded', answer.value.origin) });
  }

  async function remove(mapping: ConsoleMapping) {
    const answer = await ask({ type: 'removeConsole', origin: mapping.origin });
    if (!answer.ok) return setNote({ tone: 'error', text: answer.error.message });
    setNote({ tone: 'ok', text: t('optionsRemoved', mapping.origin) });
  }

  const environmentName = (id: string) => environments.find((environment) => environment.id === id)?.name ?? id;
  return (
    <section aria-labelledby="consoles-heading">
      <h2 id="consoles-heading">{t('optionsConsolesHeading')}</h2>
      <p class="hint">
        {t('optionsConsolesHint')}
        {server && ` ${t('optionsPortalCovered', server)}`}
      </p>
      <ConsoleTable
        id="console-list"
        rows={list}
        heading={t('optionsEnvironment')}
        kept={(mapping) => environmentName(mapping.environmentId)}
        drop={t('optionsRemove')}
        onDrop={remove}
      />
      <form onSubmit={add}>
        <TextField
          id="console-address"
          label={t('optionsConsoleAddress')}
          inputMode="url"
          placeholder="https://acme.outsystemsenterprise.com"
          value={address}
          onValue={setAddress}
          required
        />
        <label for="console-environment">{t('optionsConsoleEnvironment')}</label>
        <select
          id="console-environment"
          value={chosen}
          disabled={environments.length === 0}
          onChange={(event) => setEnvironmentId(event.currentTarget.value)}
        >
          {environments.map((environment) => (
            <option key={environment.id} value={environment.id}>
              {environment.production ? environment.name : t('optionsNotProduction', environment.name)}
            </option>
          ))}
        </select>
        {environments.length === 0 && <p class="hint">{t('optionsSignInFirst')}</p>}
        <button type="submit" id="add-console">
          {t('optionsAddConsole')}
        </button>
      </form>
      <Message note={note} id="console-message" />
    </section>
  );
}

export function OptionsPage() {
  return (
    <main>
      <h1>Seatkeeper</h1>
      <ServerSection />
      <ConsolesSection />
      <TeachSection />
    </main>
  );
}
