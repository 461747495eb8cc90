// Roles as pages check them. (Numbers, dates and times go through the reader's formats: server/i18n/format.ts.)
import type { Principal } from '../auth/principal.ts';

export const isAdmin = (p: Principal) => p.account.role === 'admin';
