// Numbers, times and roles as pages show them.
import type { Principal } from '../auth/principal.ts';

export const nf = (n: number) => n.toLocaleString('en-GB');

export const isAdmin = (p: Principal) => p.account.role === 'admin';

export const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${value} %`;
