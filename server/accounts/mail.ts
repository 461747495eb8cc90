import type { I18n } from '../i18n/messages.ts';
import type { OutgoingMail } from '../mail/mailer.ts';

// Plain-text bodies only: nothing to render, nothing to sanitise. Each is written in its reader's language
// (server/mail/language.ts chooses it).

export const verificationMail = ({ t }: I18n, to: string, name: string, link: string): OutgoingMail => ({
  to,
  subject: t('accounts.mail.verify.subject'),
  text: t('accounts.mail.verify.body', { name, link }),
});

export const alreadyRegisteredMail = (
  { t }: I18n,
  to: string,
  signInLink: string,
  resetLink: string,
): OutgoingMail => ({
  to,
  subject: t('accounts.mail.already.subject'),
  text: t('accounts.mail.already.body', { signInLink, resetLink }),
});

export const passwordResetMail = ({ t }: I18n, to: string, link: string, minutes: number): OutgoingMail => ({
  to,
  subject: t('accounts.mail.reset.subject'),
  text: t('accounts.mail.reset.body', { link, minutes }),
});

export const invitationMail = ({ t }: I18n, to: string, name: string, role: string, link: string): OutgoingMail => ({
  to,
  subject: t('accounts.mail.invitation.subject'),
  text: t('accounts.mail.invitation.body', { name, role, link }),
});
