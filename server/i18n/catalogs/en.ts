// The English catalog: the source every other language translates. Keys are grouped by area; values are ICU
// MessageFormat (https://unicode-org.github.io/icu/userguide/format_parse/messages/): {name}, {count, plural, ...}.
export const en = {
  'layout.skip': 'Skip to the content',
  'layout.nav.main': 'Main',
  'layout.nav.signIn': 'Sign in',
  'layout.nav.register': 'Register',
  'layout.nav.users': 'Users',
  'layout.nav.newAccount': 'New account',
  'layout.nav.licence': 'Licence',
  'layout.nav.environments': 'Environments',
  'layout.nav.hygiene': 'Hygiene',
  'layout.nav.retention': 'Retention',
  'layout.nav.tokens': 'Access tokens',
  'layout.nav.extension': 'Browser extension',
  'layout.nav.audit': 'Audit log',
  'layout.nav.exams': 'Exams',
  'layout.nav.certificates': 'Certificates',
  'layout.nav.outbox': 'Outbox',
  'layout.nav.myCertifications': 'My certifications',
  'layout.nav.history': 'History',
  'layout.nav.api': 'API',
  'layout.signOut': 'Sign out',
  'layout.language': 'Language',
  // ---- Leaving (issue 22, rule 26a): closing one's own account, the data download, erasure, the figures ----
  'accounts.leave.my.title': 'Your data and your account',
  'accounts.leave.my.download':
    'Download everything we hold about you: your account, sign-ins, exam attempts with your answers and results, certificates and the mail we sent you.',
  'accounts.leave.data.json': 'Download my data (one JSON file)',
  'accounts.leave.data.zip':
    'Download my data with my certificates (a zip: the JSON file, PDFs and signed credentials)',
  'accounts.leave.my.close': 'Close my account',
  'accounts.leave.close.title': 'Close my account',
  'accounts.leave.close.whatHappens': 'What happens when you close your account',
  'accounts.leave.close.noSignIn':
    'You can no longer sign in, and the account cannot be reopened: this cannot be undone.',
  'accounts.leave.close.certificates':
    'Your certificates stay valid, and anyone who has their link can still verify them.',
  'accounts.leave.close.results':
    "Your exam results are kept as the organisation's records, under its retention rules.",
  'accounts.leave.close.attempt': 'An exam you have in progress is submitted first, with the answers saved so far.',
  'accounts.leave.close.erasure':
    'Your email address, name, password and sign-in history are erased on {date} ({days, plural, one {# day} other {# days}} after closing).',
  'accounts.leave.close.mail': 'We send a confirmation to {email}.',
  'accounts.leave.close.downloadFirst': 'You may want to download your data first:',
  'accounts.leave.close.confirm': 'Confirm with your password',
  'accounts.leave.close.password': 'Your password',
  'accounts.leave.close.passwordHint': 'The password you sign in with.',
  'accounts.leave.close.button': 'Close my account for good',
  'accounts.leave.close.keep': 'Keep my account and go back',
  'accounts.leave.close.passwordMissing': 'Enter your password to confirm.',
  'accounts.leave.close.wrongPassword': 'This is not the password of your account. Nothing was changed.',
  'accounts.leave.close.tooMany':
    'Too many wrong passwords. Try again in {seconds, plural, one {# second} other {# seconds}}.',
  'accounts.leave.close.staff':
    'Staff accounts are not closed by their owners: ask an administrator to deactivate or erase yours.',
  'accounts.leave.close.notPossible': 'Your account could not be closed. Reload the page and try again.',
  'accounts.leave.closed.title': 'Your account is closed',
  'accounts.leave.closed.done': 'Your account was closed at {at}, and you are signed out.',
  'accounts.leave.closed.next':
    '{attempts, plural, =0 {} one {The exam you had in progress was submitted first. } other {The # exams you had in progress were submitted first. }}We sent a confirmation to your email address. Your personal data will be erased on {date}; your certificates stay verifiable.',
  'accounts.leave.closed.start': 'Back to the start page',
  'accounts.leave.mail.subject': 'Your Seatkeeper account is closed',
  'accounts.leave.mail.body':
    "Hello {name},\n\nYour account was closed at {closedAt}, as you asked. You can no longer sign in, and the account cannot be reopened.\n\nYour certificates stay valid, and anyone who has their link can still verify them. Your exam results are kept as the organisation's records, under its retention rules. Your email address, name, password and sign-in history will be erased on {erasureOn}.\n\nIf you did not close your account yourself, contact the organisation that runs Seatkeeper at once.\n",
  'accounts.leave.signIn.closed':
    'You closed this account, so it can no longer be signed in to. Your certificates stay verifiable. To sit exams again, register anew once the closed account has been erased.',
  'people.leave.title': 'Closing and erasure',
  'people.leave.closedBadge': 'closed by the person',
  'people.leave.closedShort': 'closed',
  'people.leave.closedOn':
    'The person closed this account at {at}. Signing in is refused and it cannot be reactivated; it counts as deactivated (rule 26a).',
  'people.leave.erasedBadge': 'erased',
  'people.leave.erasedOn': 'Personal data erased at {at}.',
  'people.leave.erasedKept':
    'Kept: the account id, its role and dates, its exam attempts (for the exam statistics) and its certificates as printed and signed, which stay verifiable. The account is in no count and links to no one (rule 26a).',
  'people.leave.erasureDue':
    "Its personal data is erased on {date}, {days, plural, one {# day} other {# days}} after closing (the organisation's erasure policy).",
  'people.leave.certificates': 'Certificates (they stay verifiable)',
  'people.leave.eraseTitle': 'Erase personal data now',
  'people.leave.eraseExplain':
    "Removes the email address, name, password, sign-in history, sessions, tokens and links, and the person's addresses in the audit log and the outbox. The account leaves every count. Certificates stay verifiable. This cannot be undone.",
  'people.leave.eraseConfirm': 'I understand that this cannot be undone.',
  'people.leave.eraseButton': 'Erase personal data',
  'people.leave.eraseUnconfirmed': 'Tick the box to confirm the erasure; nothing was erased.',
  'people.leave.erasedNow': 'Personal data erased.',
  'people.leave.erasedTitle': 'Erased account',
  'people.leave.details': 'What is left',
  'people.leave.accountId': 'Account id',
  'people.leave.role': 'Role',
  'people.leave.created': 'Created',
  'people.leave.counted': 'Counted',
  'people.leave.notCounted': 'No: an erased account is in no count and links to no one (rule 26a).',
  'people.leave.backToErased': 'All erased accounts',
  'people.leave.summary':
    'This month: {closed, plural, one {# account} other {# accounts}} closed by the person, {freed, plural, one {# seat} other {# seats}} freed, {erased, number} erased; {awaiting, number} awaiting erasure.',
  'people.leave.showClosed': 'Show closed accounts',
  'people.leave.showErased': 'Show erased accounts',
  'people.leave.statusClosed': 'closed by the person',
  'people.leave.statusErased': 'erased',
  'people.leave.erasedListTitle': 'Erased accounts',
  'people.leave.erasedListHint':
    'Erased accounts hold no personal data and are in no count; what is left is their id, role and dates.',
  'people.leave.erasedListEmpty': 'No account has been erased.',
  'people.leave.erasedAtColumn': 'Erased',
  'people.leave.howColumn': 'How',
  'people.leave.howClosed': 'closed by the person, then erased',
  'people.leave.howAdmin': 'erased by an administrator',
  'people.leave.pages': 'Pages',
  'people.leave.firstPage': 'First page',
  'people.leave.nextPage': 'Next',
  'people.leave.allUsers': 'All users',
  'licensing.leaving.title': 'People who left',
  'licensing.leaving.rule':
    'An account its owner closed counts as deactivated from that moment; an erased account is in no count and links to no one (rule 26a).',
  'licensing.leaving.thisMonth':
    'This month: {closed, plural, one {# account} other {# accounts}} closed by the person; {freed, plural, one {# seat} other {# seats}} freed; {erased, number} erased.',
  'licensing.leaving.awaiting':
    '{awaiting, plural, =0 {No closed account awaits erasure.} one {# closed account awaits erasure.} other {# closed accounts await erasure.}}',
  'licensing.leaving.history': 'Month by month',
  'licensing.leaving.month': 'Month',
  'licensing.leaving.closed': 'Closed by the person',
  'licensing.leaving.freed': 'Seats freed',
  'licensing.leaving.erased': 'Erased',
  'licensing.leaving.showClosed': 'Show closed accounts',
  'licensing.leaving.showErased': 'Show erased accounts',
  'licensing.leaving.policy': 'Erasure policy',
  'licensing.leaving.policyNow':
    '{days, plural, =0 {The personal data of a closed account is erased by the first daily run after closing.} one {The personal data of a closed account is erased by the daily run # day after closing.} other {The personal data of a closed account is erased by the daily run # days after closing.}}',
  'licensing.leaving.days': 'Days after closing',
  'licensing.leaving.save': 'Save the erasure policy',
  'licensing.leaving.saved': 'Erasure policy saved.',
  'licensing.leaving.invalid': 'Give a whole number of days from 0 to {max, number}.',
  'licensing.leaving.byThePerson':
    'the person, who closed the account (signing in is refused; it cannot be reactivated)',
} as const;
