// The site's navigation. Staff see five groups on one line and, under them, the pages of the group they are in: the
// thirteen staff pages in one row wrapped to three lines on a laptop and filled a phone's first screen.
import { useContext } from 'preact/hooks';
import type { Principal } from '../auth/principal.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { useI18n } from '../i18n/request.ts';
import { PagePathContext } from './page-path.ts';

interface NavLink {
  href: string;
  label: MessageKey;
  adminOnly?: boolean;
}

interface NavGroup {
  label: MessageKey;
  links: NavLink[];
  /** Pages of the group that no link names (an environment's import, the organisation behind certificates). */
  alsoUnder?: string[];
}

export const STAFF_NAVIGATION: readonly NavGroup[] = [
  {
    label: 'portalUx.nav.people',
    links: [
      { href: '/portal/overview', label: 'layout.nav.overview' },
      { href: '/portal/users', label: 'layout.nav.users' },
      { href: '/portal/new-account', label: 'layout.nav.newAccount', adminOnly: true },
    ],
    alsoUnder: ['/portal/erased-accounts', '/portal/closed-accounts', '/portal/lookup'],
  },
  {
    label: 'portalUx.nav.licence',
    links: [
      { href: '/portal/licence', label: 'layout.nav.licence' },
      { href: '/portal/environments', label: 'layout.nav.environments' },
      { href: '/portal/hygiene', label: 'layout.nav.hygiene' },
      { href: '/portal/retention', label: 'layout.nav.retention' },
    ],
    alsoUnder: ['/portal/imports'],
  },
  {
    label: 'portalUx.nav.exams',
    links: [{ href: '/portal/exams', label: 'layout.nav.exams' }],
    alsoUnder: ['/portal/new-exam'],
  },
  {
    label: 'portalUx.nav.certificates',
    links: [
      { href: '/portal/certificates', label: 'layout.nav.certificates' },
      { href: '/portal/organisation', label: 'portalUx.nav.organisation', adminOnly: true },
    ],
  },
  {
    label: 'portalUx.nav.settings',
    links: [
      { href: '/portal/tokens', label: 'layout.nav.tokens' },
      { href: '/portal/extension', label: 'layout.nav.extension' },
      { href: '/portal/audit', label: 'layout.nav.audit' },
      { href: '/portal/outbox', label: 'layout.nav.outbox', adminOnly: true },
      { href: '/api/docs', label: 'layout.nav.api' },
    ],
  },
];

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The group a page belongs to: the one with the longest link or prefix that the path is under. */
function currentGroup(path: string): NavGroup | undefined {
  let best: { group: NavGroup; length: number } | undefined;
  for (const group of STAFF_NAVIGATION) {
    for (const prefix of [...group.links.map((l) => l.href), ...(group.alsoUnder ?? [])]) {
      if (under(path, prefix) && (!best || prefix.length > best.length)) best = { group, length: prefix.length };
    }
  }
  return best?.group;
}

const isStaff = (p: Principal | null | undefined) => p?.account.role === 'admin' || p?.account.role === 'support';

const visibleTo = (admin: boolean) => (links: NavLink[]) => links.filter((l) => admin || !l.adminOnly);

function StaffNavigation({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const current = currentGroup(useContext(PagePathContext).split('?')[0] ?? '/');
  const visible = visibleTo(admin);
  return (
    <nav aria-label={t('layout.nav.main')} class="nav-groups">
      <ul>
        {STAFF_NAVIGATION.map((group) => {
          const first = visible(group.links)[0];
          return first ? (
            <li>
              <a href={first.href} aria-current={group === current ? 'true' : undefined}>
                {t(group.label)}
              </a>
            </li>
          ) : null;
        })}
      </ul>
    </nav>
  );
}

/** Under the header: the pages of the staff group the page is in (none for a group of one page). */
export function SectionNavigation({ principal }: { principal: Principal | null | undefined }) {
  const { t } = useI18n();
  const path = useContext(PagePathContext).split('?')[0] ?? '/';
  const current = isStaff(principal) ? currentGroup(path) : undefined;
  const pages = current ? visibleTo(principal?.account.role === 'admin')(current.links) : [];
  if (!current || pages.length < 2) return null;
  return (
    <nav aria-label={t('portalUx.nav.section', { group: t(current.label) })} class="nav-pages">
      <ul>
        {pages.map((link) => (
          <li>
            <a href={link.href} aria-current={under(path, link.href) ? 'page' : undefined}>
              {t(link.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Navigation({ principal }: { principal: Principal | null | undefined }) {
  const { t } = useI18n();
  if (isStaff(principal)) return <StaffNavigation admin={principal?.account.role === 'admin'} />;
  return (
    <nav aria-label={t('layout.nav.main')}>
      <ul>
        {principal ? (
          <>
            <li>
              <a href="/my">{t('layout.nav.myCertifications')}</a>
            </li>
            <li>
              <a href="/exams">{t('layout.nav.exams')}</a>
            </li>
            <li>
              <a href="/history">{t('layout.nav.history')}</a>
            </li>
          </>
        ) : (
          <>
            <li>
              <a href="/sign-in">{t('layout.nav.signIn')}</a>
            </li>
            <li>
              <a href="/register">{t('layout.nav.register')}</a>
            </li>
          </>
        )}
      </ul>
    </nav>
  );
}
