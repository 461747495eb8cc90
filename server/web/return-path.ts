// Where a person goes back to after signing in: the page that asked for it, when it is a path on this site. Anything
// else (another origin, a scheme, `//host`, a backslash browsers read as a slash) is refused: no open redirect.

/** The path to go back to, or undefined when `next` is missing or could lead off this site. */
export function safeReturnPath(next: string | undefined | null): string | undefined {
  if (!next || next.length > 2000) return undefined;
  // Only an absolute path; `//evil.example` and `/\evil.example` are other hosts to a browser.
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return undefined;
  // Control characters (tabs, newlines) are stripped by browsers from URLs, which can turn `/\t/evil` into `//evil`.
  for (const char of next) if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) return undefined;
  const base = 'http://seatkeeper.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  // Signing in again from the sign-in page would only loop.
  if (url.pathname === '/sign-in' || url.pathname === '/sign-out') return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page that brings the person back to `path` afterwards. */
export function signInPathFor(path: string | undefined): string {
  const back = safeReturnPath(path);
  return back && back !== '/' ? `/sign-in?${new URLSearchParams({ next: back })}` : '/sign-in';
}
