import type { OutgoingMail } from '../mail/mailer.ts';

// Plain-text bodies only: nothing to render, nothing to sanitise.

export const verificationMail = (to: string, name: string, link: string): OutgoingMail => ({
  to,
  subject: 'Confirm your email address for Seatkeeper',
  text: `Hello ${name},\n\nConfirm that this is your email address by opening the link below. It works once and expires in 24 hours.\n\n${link}\n\nIf you did not register with Seatkeeper, ignore this message.\n`,
});

export const alreadyRegisteredMail = (to: string, signInLink: string, resetLink: string): OutgoingMail => ({
  to,
  subject: 'You already have a Seatkeeper account',
  text: `Someone (hopefully you) tried to register with this email address, but it already has an account.\n\nSign in: ${signInLink}\nForgot your password? ${resetLink}\n\nIf this was not you, you can ignore this message.\n`,
});

export const passwordResetMail = (to: string, link: string, minutes: number): OutgoingMail => ({
  to,
  subject: 'Reset your Seatkeeper password',
  text: `A password reset was requested for this email address. Choose a new password here (the link works once and expires in ${minutes} minutes):\n\n${link}\n\nIf you did not ask for this, ignore this message; your password stays the same.\n`,
});

export const invitationMail = (to: string, name: string, role: string, link: string): OutgoingMail => ({
  to,
  subject: 'Your Seatkeeper account',
  text: `Hello ${name},\n\nAn administrator created a Seatkeeper account (${role}) for you. Choose your password here (the link works once and expires in 7 days):\n\n${link}\n`,
});
