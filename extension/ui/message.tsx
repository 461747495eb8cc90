// A page's answer to what the admin just did, read out by screen readers.
export type Note = { tone: 'ok' | 'error' | 'info'; text: string } | null;

export function Message({ note, id }: { note: Note; id: string }) {
  return (
    <div id={id} role="status" aria-live="polite">
      {note && <p class={`message ${note.tone}`}>{note.text}</p>}
    </div>
  );
}
