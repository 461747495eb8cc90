// Teaching a console the reader does not understand: point at one of its user rows (the picker opens on that
// console's open page), or give the rows' selector and which cell holds the username and the email.
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { originPattern } from '../console-origins.ts';
import { cellSelector, selectorProblem } from '../consoles/taught.ts';
import { t } from '../i18n.ts';
import { ask } from '../messaging.ts';
import { consoles, type TaughtConsole, taughtConsoles } from '../storage.ts';
import { Message, type Note } from './message.tsx';
import { useStored } from './use-stored.ts';

/** Opens the picker on an open page of `origin`; says what to do when there is none. */
async function pointAtRow(origin: string): Promise<Note> {
  const tabs = await browser.tabs.query({ url: originPattern(origin) });
  const tab = tabs.find((candidate) => candidate.url && new URL(candidate.url).origin === origin);
  if (tab?.id === undefined) {
    return { tone: 'error', text: t('teachOpenPage', origin) };
  }
  try {
    await browser.tabs.sendMessage(tab.id, { type: 'pickRow' });
  } catch {
    return { tone: 'error', text: t('teachNotRunning') };
  }
  await browser.tabs.update(tab.id, { active: true });
  if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
  return { tone: 'info', text: t('teachClickRow', origin) };
}

export function TeachSection() {
  const list = useStored(consoles) ?? [];
  const taught = useStored(taughtConsoles) ?? [];
  const [origin, setOrigin] = useState('');
  const [rows, setRows] = useState('');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [note, setNote] = useState<Note>(null);
  const chosen = origin || list[0]?.origin || '';

  async function save(event: Event) {
    event.preventDefault();
    if (!chosen) return setNote({ tone: 'error', text: t('teachAddConsoleFirst') });
    const spec = {
      rows: rows.trim(),
      ...(username.trim() && { username: cellSelector(username) }),
      ...(email.trim() && { email: cellSelector(email) }),
    };
    if (!spec.rows) return setNote({ tone: 'error', text: t('teachGiveRows') });
    if (!spec.username && !spec.email) {
      return setNote({
        tone: 'error',
        text: t('teachSayWhichCell'),
      });
    }
    for (const part of [spec.rows, spec.username, spec.email]) {
      const problem = part ? selectorProblem(document, part) : null;
      if (problem) return setNote({ tone: 'error', text: problem });
    }
    const answer = await ask({ type: 'teachConsole', origin: chosen, ...spec });
    if (!answer.ok) return setNote({ tone: 'error', text: answer.error.message });
    setNote({ tone: 'ok', text: t('teachKept', chosen) });
  }

  async function forget(entry: TaughtConsole) {
    const answer = await ask({ type: 'forgetTaught', origin: entry.origin });
    if (!answer.ok) return setNote({ tone: 'error', text: answer.error.message });
    setNote({ tone: 'ok', text: t('teachForgotten', entry.origin) });
  }

  return (
    <section aria-labelledby="teach-heading">
      <h2 id="teach-heading">{t('teachHeading')}</h2>
      <p class="hint">{t('teachHint')}</p>
      {list.length > 0 && (
        <ul class="plain" id="point-list">
          {list.map((mapping) => (
            <li key={mapping.origin} data-origin={mapping.origin}>
              {mapping.origin}{' '}
              <button type="button" class="secondary" onClick={async () => setNote(await pointAtRow(mapping.origin))}>
                {t('teachPoint')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={save}>
        <label for="teach-console">{t('optionsConsole')}</label>
        <select
          id="teach-console"
          value={chosen}
          disabled={list.length === 0}
          onChange={(event) => setOrigin(event.currentTarget.value)}
        >
          {list.map((mapping) => (
            <option key={mapping.origin} value={mapping.origin}>
              {mapping.origin}
            </option>
          ))}
        </select>
        <label for="teach-rows">{t('teachRows')}</label>
        <input
          id="teach-rows"
          type="text"
          placeholder="#people .person"
          value={rows}
          onInput={(event) => setRows(event.currentTarget.value)}
        />
        <label for="teach-username">{t('teachUsername')}</label>
        <input
          id="teach-username"
          type="text"
          placeholder="1"
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <label for="teach-email">{t('teachEmail')}</label>
        <input
          id="teach-email"
          type="text"
          placeholder="3"
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
        <button type="submit" id="teach-save">
          {t('teachKeep')}
        </button>
      </form>
      {taught.length > 0 && (
        <table id="taught-list">
          <thead>
            <tr>
              <th scope="col">{t('optionsConsole')}</th>
              <th scope="col">{t('teachTaughtColumns')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('optionsActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {taught.map((entry) => (
              <tr key={entry.origin} data-origin={entry.origin}>
                <td>{entry.origin}</td>
                <td>
                  <code>{entry.rows}</code> · <code>{entry.username ?? '—'}</code> · <code>{entry.email ?? '—'}</code>
                </td>
                <td>
                  <button type="button" class="secondary" onClick={() => forget(entry)}>
                    {t('teachForget')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Message note={note} id="teach-message" />
    </section>
  );
}
