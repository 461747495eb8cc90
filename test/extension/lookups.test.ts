// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { decorate } from '../../extension/badges/decorate.ts';
import { genericAdapter } from '../../extension/consoles/generic.ts';
import { outsystemsUsersAdapter } from '../../extension/consoles/outsystems-users.ts';
import type { FoundAccount } from '../../extension/consoles/types.ts';
import { createLookups, type SendLookup } from '../../extension/lookups.ts';
import { factsFromLookup, type ServerFacts } from '../../extension/server-facts.ts';
import type { LookupMatch, LookupResult } from '../../shared/api/extension-contract.ts';
import { badgeHosts, loadFixture, readBadge, rulesForWorked } from './helpers.ts';

const match = (changes: Partial<LookupMatch>): LookupMatch => ({
  ref: 'import:1',
  environment: 'OutSystems Prod',
  provider: 'Users',
  username: 'sgreen',
  email: 'scott.green@mycompany.com',
  active: true,
  classification: 'internal',
  counted: true,
  notCountedReason: null,
  mergedWith: [],
  lastSignInAt: null,
  ...changes,
});

const result = (matches: LookupMatch[], changes: Partial<LookupResult> = {}): LookupResult => ({
  username: 'sgreen',
  email: 'scott.green@mycompany.com',
  classification: 'internal',
  reason: 'email domain mycompany.com is listed',
  flags: [],
  matches,
  ...changes,
});

describe('what the server adds to a badge', () => {
  it('an active, counted account in the page’s environment: no mark, a line in the tooltip', () => {
    expect(factsFromLookup(result([match({ lastSignInAt: '2026-11-20T08:00:00Z' })]), 'OutSystems Prod')).toEqual({
      classification: 'internal',
      reason: 'email domain mycompany.com is listed',
      flags: [],
      marks: [],
      notes: [
        'Seatkeeper: active in OutSystems Prod / Users, counted as internal',
        'Last sign-in: Nov 20, 2026, 8:00 AM UTC',
      ],
    });
  });

  it('unknown in this environment, even when known elsewhere', () => {
    const facts = factsFromLookup(result([match({ environment: 'Production', provider: 'Seatkeeper' })]), 'QA');
    expect(facts.marks).toEqual(['unknown']);
    expect(facts.notes).toEqual(['Seatkeeper: no such account in QA (known in Production)']);
    expect(factsFromLookup(result([]), null).notes).toEqual(['Seatkeeper: no such account']);
  });

  it('inactive when no account here is active, with why it is not counted', () => {
    const facts = factsFromLookup(
      result([match({ active: false, counted: false, notCountedReason: 'inactive (rule 1)' })]),
      'outsystems prod',
    );
    expect(facts.marks).toEqual(['inactive']);
    expect(facts.notes[0]).toBe('Seatkeeper: inactive in OutSystems Prod / Users, not counted: inactive (rule 1)');
  });

  it('merged with other accounts, named where the server said who they are', () => {
    const facts = factsFromLookup(
      result([
        match({ mergedWith: ['seatkeeper:ab12', 'import:99'] }),
        match({ ref: 'seatkeeper:ab12', environment: 'Production', provider: 'Seatkeeper' }),
      ]),
      'OutSystems Prod',
    );
    expect(facts.marks).toEqual(['merged']);
    expect(facts.notes).toContain('Merged with: scott.green@mycompany.com (Production / Seatkeeper); import:99');
  });

  it('keeps only the flags it knows how to draw', () => {
    expect(factsFromLookup(result([], { flags: ['conflict', 'from-the-future'] }), null).flags).toEqual(['conflict']);
  });

  it('takes the stored record’s flags and classification where the console shows one field only', () => {
    // The console shows the email only; Seatkeeper holds the account with an outside username: a conflict (rule 12),
    // counted as internal, which the page alone cannot tell.
    const shown = result([match({ username: 'scott@partner.io', classification: 'internal', flags: ['conflict'] })], {
      username: null,
      email: 'scott.green@mycompany.com',
    });
    expect(factsFromLookup(shown, 'OutSystems Prod')).toMatchObject({
      classification: 'internal',
      flags: ['conflict'],
    });
    // The record as stored is external although the address shown is on a listed domain: its classification wins.
    const external = result(
      [match({ username: 'scott@partner.io', email: 'scott@partner.io', classification: 'external' })],
      {
        username: 'scott@partner.io',
        email: null,
        classification: 'internal',
      },
    );
    const facts = factsFromLookup(external, 'OutSystems Prod');
    expect(facts.classification).toBe('external');
    expect(facts.reason).toContain('as Seatkeeper holds the account (scott@partner.io / scott@partner.io)');
    // A server from before the record's flags: nothing added.
    expect(factsFromLookup(result([match({})]), 'OutSystems Prod').flags).toEqual([]);
  });
});

describe('badges with the server’s answer', () => {
  it('adds the marks and notes; the server’s classification wins when the cached rules are stale', () => {
    const doc = loadFixture('outsystems-users');
    const answers = new Map<string, ServerFacts>([
      ['sgreen', { classification: 'internal', reason: 'r', flags: [], marks: ['merged'], notes: ['Merged with: x'] }],
      [
        'sjones',
        {
          classification: 'internal',
          reason: 'email domain outsourcing.com is listed',
          flags: [],
          marks: ['inactive'],
          notes: [],
        },
      ],
    ]);
    decorate(doc, outsystemsUsersAdapter, rulesForWorked, (account) => answers.get(account.username ?? ''));
    const row = (username: string) =>
      [...doc.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('td')?.textContent === username);
    const sgreen = readBadge(badgeHosts(row('sgreen'))[0] as Element);
    expect(sgreen.server).toEqual(['merged']);
    expect(sgreen.title).toContain('Merged with: x');
    const sjones = readBadge(badgeHosts(row('sjones'))[0] as Element);
    expect(sjones.label).toBe('Internal');
    expect(sjones.title).toContain('Internal: email domain outsourcing.com is listed');
    expect(sjones.server).toEqual(['inactive']);
    expect(badgeHosts(row('kwhite'))[0]?.getAttribute('data-server')).toBeNull();
  });

  it('draws the stored record’s conflict mark on a console that shows no username', () => {
    document.body.innerHTML =
      '<main><table><thead><tr><th>Name</th><th>Email</th></tr></thead><tbody><tr><td>Scott</td><td>scott.green@mycompany.com</td></tr></tbody></table></main>';
    const conflict: ServerFacts = {
      classification: 'internal',
      reason: 'r',
      flags: ['conflict'],
      marks: [],
      notes: [],
    };
    decorate(document, outsystemsUsersAdapter, rulesForWorked, () => conflict);
    expect(badgeHosts()).toHaveLength(0); // not an OutSystems table: the generic reader's case below
    decorate(document, genericAdapter, rulesForWorked, () => conflict);
    const badge = readBadge(badgeHosts()[0] as Element);
    expect(badge.label).toBe('Internal');
    expect(badge.marks.map((mark) => mark.title)).toEqual([expect.stringContaining('rule 12')]);
  });

  it('changes only the tooltip when the answer adds no mark, keeping what the browser laid out', () => {
    const doc = loadFixture('outsystems-users');
    let facts: ServerFacts | undefined;
    decorate(doc, outsystemsUsersAdapter, rulesForWorked, () => facts);
    const host = badgeHosts()[0] as HTMLElement;
    const label = host.shadowRoot?.lastChild;
    facts = { classification: 'internal', reason: 'listed', flags: [], marks: [], notes: ['Seatkeeper: active'] };
    decorate(doc, outsystemsUsersAdapter, rulesForWorked, () => facts);
    expect(host.shadowRoot?.lastChild).toBe(label);
    expect(host.title).toContain('Seatkeeper: active');
    expect(host.dataset.server).toBe('known');
  });
});

describe('the lookup queue', () => {
  const account = (n: number, environment?: string): FoundAccount => ({
    anchor: document.createElement('td'),
    username: `user${n}`,
    email: `user${n}@mycompany.com`,
    ...(environment && { environment }),
  });
  const answerAll: SendLookup = async (request) => ({
    ok: true,
    value: {
      asOf: 'now',
      environment: { id: request.environment ?? 'own', name: request.environment ?? 'Production' },
      results: request.accounts.map((asked) =>
        result([], { username: asked.username ?? null, email: asked.email ?? null }),
      ),
    },
  });

  it('asks once per identity, in batches of at most 1,000 per environment, and answers once per round', async () => {
    const send = vi.fn(answerAll);
    const answered = vi.fn();
    const lookups = createLookups({ send, environmentOf: (a) => a.environment, answered, delayMs: 0 });
    const accounts = [
      ...Array.from({ length: 2500 }, (_, n) => account(n, 'QA')),
      account(1, 'QA'),
      account(1, 'Production'),
    ];
    lookups.add(accounts);
    lookups.add([account(2, 'QA')]); // asked already: no second question
    await vi.waitFor(() => expect(answered).toHaveBeenCalledTimes(1));
    expect(send.mock.calls.map(([request]) => [request.environment, request.accounts.length])).toEqual([
      ['QA', 1000],
      ['QA', 1000],
      ['QA', 500],
      ['Production', 1],
    ]);
    // Every account waiting for an answer gets redrawn, duplicates included.
    expect(answered.mock.calls[0]?.[0]).toHaveLength(2503);
    expect(lookups.factsFor(account(7, 'QA'))?.marks).toEqual(['unknown']);
    lookups.add([account(7, 'QA')]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(send).toHaveBeenCalledTimes(4);
  });

  it('stops asking once signed out; asks again later after the server was unreachable', async () => {
    const unreachable: SendLookup = async () => ({ ok: false, error: { kind: 'unreachable', message: 'down' } });
    let send = vi.fn(unreachable);
    const lookups = createLookups({
      send: (request) => send(request),
      environmentOf: () => undefined,
      answered: vi.fn(),
      delayMs: 0,
    });
    lookups.add([account(1)]);
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(1));
    expect(lookups.stoppedBecause()).toBeNull();
    send = vi.fn(async () => ({ ok: false, error: { kind: 'signed-out', message: 'Sign in first' } }) as const);
    lookups.add([account(1)]);
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(1));
    expect(lookups.stoppedBecause()).toBe('Sign in first');
    lookups.add([account(2)]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(send).toHaveBeenCalledTimes(1);
  });
});
