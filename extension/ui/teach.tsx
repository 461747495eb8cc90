// Teaching a console the reader does not understand: point at one of its user rows (the picker opens on that
// console's open page), or give the rows' selector and which cell holds the username and the email.
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { originPattern } from '../console-origins.ts';
import { cellSelector, selectorProblem } from '../consoles/taught.ts';
import { t } from '../i18n.ts';
import { ask } from '../messaging.ts';
import { consoles, type TaughtConsole, taughtConsoles } from '../storage.ts';
import { ConsoleTable } from './console-table.tsx';
import { Message, type Note } from './message.tsx';
import { TextField } from './text-field.tsx';
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
        <TextField
          id="teach-rows"
          label={t('teachRows')}
          placeholder="#people .person"
          value={rows}
          onValue={setRows}
        />
        <TextField
          id="teach-username"
          label={t('teachUsername')}
          placeholder="1"
          value={username}
          onValue={setUsername}
        />
        <TextField id="teach-email" label={t('teachEmail')} placeholder="3" value={email} onValue={setEmail} />
        <button type="submit" id="teach-save">
          {t('teachKeep')}
        </button>
      </form>
      <ConsoleTable
        id="taught-list"
        rows={taught}
        heading={t('teachTaughtColumns')}
        kept={(entry) => (
          <>
            <code>{entry.rows}</code> · <code>{entry.username ?? '—'}</code> · <code>{entry.email ?? '—'}</code>
          </>
        )}
        drop={t('teachForget')}
        onDrop={forget}
      />
      <Message note={note} id="teach-message" />
    </section>
  );
}
