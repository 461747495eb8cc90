// When two environment names are the same environment (rules 4 and 17): surrounding spaces and case do not matter, as
// an admin types "production" for "Production". The CLI and the server compare names with this one function.

/** The form under which environment names are compared. */
export function environmentKey(name: string): string {
  return name.trim().toLowerCase();
}

export function sameEnvironment(a: string, b: string): boolean {
  return environmentKey(a) === environmentKey(b);
}
