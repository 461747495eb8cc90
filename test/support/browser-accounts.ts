// A candidate's first steps in the browser tests, written once: register on the page, confirm the address from the
// mail in the outbox, sign in. Also the same without a browser, for tests whose subject comes after registration.
import type { Page } from 'puppeteer-core';
import { api } from '../e2e/server-process.ts';

export interface Person {
  name: string;
  email: string;
  password: string;
}

/** What the browser tests need of the running server: its address and an admin's cookie (to read the outbox). */
export interface Site {
  url: string;
  adminCookie: string;
}

interface OutboxMail {
  to: string;
  subject: string;
  body: string;
}

/** The mails to one address, oldest first, as the outbox API lists them. */
export async function mailsTo(site: Site, email: string): Promise<OutboxMail[]> {
  const { items } = (await api(site.url, site.adminCookie, 'GET', '/api/v1/outbox')) as { items: OutboxMail[] };
  return items.filter((m) => m.to === email);
}

/** The address-confirmation mail and the link in it; fails the test when there is none. */
export async function verificationMail(site: Site, email: string): Promise<OutboxMail & { link: string }> {
  const mail = (await mailsTo(site, email)).find((m) => m.body.includes('/verify-email?token='));
  const link = /(https?:\/\/\S+\/verify-email\?token=\S+)/.exec(mail?.body ?? '')?.[1];
  if (!mail || !link) throw new Error(`no address confirmation mailed to ${email}`);
  return { ...mail, link };
}

/** Clicks what navigates (a link, a form's button) and waits for the page it leads to. */
export async function navigateBy(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** Fills and sends the registration form on the page the browser is on (or on /register). */
export async function registerInBrowser(page: Page, site: Site, person: Person, onPage = false): Promise<void> {
  if (!onPage) await page.goto(`${site.url}/register`);
  await page.type('#name', person.name);
  await page.type('#email', person.email);
  await page.type('#password', person.password);
  await navigateBy(page, 'form.card button[type=submit]');
}

/** Opens the link of the confirmation mail and confirms. */
export async function confirmInBrowser(page: Page, site: Site, email: string): Promise<void> {
  await page.goto((await verificationMail(site, email)).link);
  await navigateBy(page, 'form.card button[type=submit]');
}

export async function signInInBrowser(page: Page, site: Site, person: Pick<Person, 'email' | 'password'>) {
  await page.goto(`${site.url}/sign-in`);
  await page.type('#email', person.email);
  await page.type('#password', person.password);
  await navigateBy(page, 'form.card button[type=submit]');
}

/** Register -> confirm from the mail -> sign in, all in the browser. */
export async function newCandidateInBrowser(page: Page, site: Site, person: Person): Promise<void> {
  await registerInBrowser(page, site, person);
  await confirmInBrowser(page, site, person.email);
  await signInInBrowser(page, site, person);
}

/** A registered candidate with a confirmed address, through the API as the pages would do it. */
export async function registeredByApi(site: Site, person: Person): Promise<void> {
  await api(site.url, '', 'POST', '/api/v1/registrations', person);
  const token = decodeURIComponent(
    /verify-email\?token=(\S+)/.exec((await verificationMail(site, person.email)).link)?.[1] ?? '',
  );
  await api(site.url, '', 'POST', '/api/v1/email-verifications', { token });
}
