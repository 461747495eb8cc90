import type { z } from 'zod';
import type { Access } from '../auth/principal.ts';
import { EXAM_ROUTES } from '../exams/routes.ts';
import { LICENSING_ROUTES } from '../licensing/routes.ts';
import { EXTENSION_ROUTES } from '../web/extension-download.tsx';
import * as s from './schemas.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: Method;
  /** Full path in OpenAPI form (`{id}`). */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  success: { status: number; schema?: z.ZodType; description: string };
}

/**
 * Every JSON route: the single source of truth for access control (handlers use `guard(route.access)`),
 * the OpenAPI document and the permission matrix in docs/server.md (both generated, both tested).
 */
export const API_ROUTES = {
  health: {
    method: 'GET',
    path: '/healthz',
    tag: 'System',
    access: 'public',
    summary: 'Liveness and database check',
    success: { status: 200, schema: s.healthResponse, description: 'The server and its database answer.' },
  },
  openapi: {
    method: 'GET',
    path: '/api/v1/openapi.json',
    tag: 'System',
    access: 'public',
    summary: 'This API description (OpenAPI 3.1)',
    success: { status: 200, description: 'The OpenAPI document.' },
  },
  signIn: {
    method: 'POST',
    path: '/api/v1/session',
    tag: 'Session',
    access: 'public',
    summary: 'Sign in with email and password; sets the session cookie',
    body: s.signInBody,
    success: { status: 200, schema: s.accountResponse, description: 'Signed in.' },
  },
  signOut: {
    method: 'DELETE',
    path: '/api/v1/session',
    tag: 'Session',
    access: 'public',
    summary: 'Sign out: ends the current session (idempotent)',
    success: { status: 204, description: 'Signed out.' },
  },
  me: {
    method: 'GET',
    path: '/api/v1/me',
    tag: 'Session',
    access: 'signedIn',
    summary: 'The signed-in account (or the token owner)',
    success: { status: 200, schema: s.accountResponse, description: 'The current account.' },
  },
  resendVerification: {
    method: 'POST',
    path: '/api/v1/me/email-verification',
    tag: 'Session',
    access: 'signedIn',
    summary: 'Send a new email verification link',
    success: {
      status: 202,
      schema: s.statusResponse,
      description: 'A new link was sent if the address is not verified yet.',
    },
  },
  register: {
    method: 'POST',
    path: '/api/v1/registrations',
    tag: 'Registration',
    access: 'public',
    summary: 'Candidate self-registration; always answers 202 so addresses cannot be probed',
    body: s.registrationBody,
    success: { status: 202, schema: s.statusResponse, description: 'Check your mailbox.' },
  },
  verifyEmail: {
    method: 'POST',
    path: '/api/v1/email-verifications',
    tag: 'Registration',
    access: 'public',
    summary: 'Confirm an email address with the emailed token',
    body: s.emailVerificationBody,
    success: { status: 200, schema: s.statusResponse, description: 'Verified.' },
  },
  requestPasswordReset: {
    method: 'POST',
    path: '/api/v1/password-resets',
    tag: 'Registration',
    access: 'public',
    summary: 'Email a password reset link (same answer whether or not the address exists)',
    body: s.passwordResetBody,
    success: { status: 202, schema: s.statusResponse, description: 'If the address has an account, a link was sent.' },
  },
  confirmPasswordReset: {
    method: 'POST',
    path: '/api/v1/password-resets/confirm',
    tag: 'Registration',
    access: 'public',
    summary: 'Set a new password with a reset or invitation token; ends all sessions of the account',
    body: s.passwordResetConfirmBody,
    success: { status: 200, schema: s.statusResponse, description: 'Password changed.' },
  },
  setup: {
    method: 'POST',
    path: '/api/v1/setup',
    tag: 'Registration',
    access: 'public',
    summary: 'Create the first admin with the one-time setup token printed at first start',
    body: s.setupBody,
    success: { status: 201, schema: s.accountResponse, description: 'First admin created and signed in.' },
  },
  listUsers: {
    method: 'GET',
    path: '/api/v1/users',
    tag: 'Users',
    access: 'staffRead',
    summary: 'List accounts (paging, search, role/active filters)',
    query: s.userListQuery,
    success: { status: 200, schema: s.accountPage, description: 'One page of accounts.' },
  },
  createUser: {
    method: 'POST',
    path: '/api/v1/users',
    tag: 'Users',
    access: 'admin',
    summary: 'Create an account; without a password the person is emailed an invitation link',
    body: s.createUserBody,
    success: { status: 201, schema: s.accountResponse, description: 'Created.' },
  },
  getUser: {
    method: 'GET',
    path: '/api/v1/users/{id}',
    tag: 'Users',
    access: 'staffRead',
    summary: 'One account',
    success: { status: 200, schema: s.accountResponse, description: 'The account.' },
  },
  updateUser: {
    method: 'PATCH',
    path: '/api/v1/users/{id}',
    tag: 'Users',
    access: 'admin',
    summary: 'Change name and/or role',
    body: s.updateUserBody,
    success: { status: 200, schema: s.accountResponse, description: 'Updated.' },
  },
  deactivateUser: {
    method: 'POST',
    path: '/api/v1/users/{id}/deactivate',
    tag: 'Users',
    access: 'admin',
    summary: 'Deactivate: sign-in refused, sessions end at once, tokens stop working',
    success: { status: 200, schema: s.accountResponse, description: 'Deactivated.' },
  },
  activateUser: {
    method: 'POST',
    path: '/api/v1/users/{id}/activate',
    tag: 'Users',
    access: 'admin',
    summary: 'Reactivate an account',
    success: { status: 200, schema: s.accountResponse, description: 'Active again.' },
  },
  listTokens: {
    method: 'GET',
    path: '/api/v1/tokens',
    tag: 'Access tokens',
    access: 'staffSession',
    summary: 'Personal access tokens (admins see all, support their own); never includes secrets',
    success: { status: 200, schema: s.tokenList, description: 'Tokens.' },
  },
  createToken: {
    method: 'POST',
    path: '/api/v1/tokens',
    tag: 'Access tokens',
    access: 'staffSession',
    summary: 'Create a personal access token for yourself; the secret is shown once',
    body: s.createTokenBody,
    success: { status: 201, schema: s.createdToken, description: 'Created.' },
  },
  revokeToken: {
    method: 'DELETE',
    path: '/api/v1/tokens/{id}',
    tag: 'Access tokens',
    access: 'staffSession',
    summary: 'Revoke a token (your own; admins any)',
    success: { status: 204, description: 'Revoked.' },
  },
  audit: {
    method: 'GET',
    path: '/api/v1/audit',
    tag: 'Audit',
    access: 'staffRead',
    summary: 'Audit log, newest first',
    query: s.pageQuery,
    success: { status: 200, schema: s.auditPage, description: 'One page of events.' },
  },
  outbox: {
    method: 'GET',
    path: '/api/v1/outbox',
    tag: 'Audit',
    access: 'admin',
    summary: 'Mail kept in the outbox when no SMTP server is configured',
    query: s.pageQuery,
    success: { status: 200, schema: s.outboxPage, description: 'One page of mail, newest first.' },
  },
  ...EXAM_ROUTES,
  ...LICENSING_ROUTES,
  ...EXTENSION_ROUTES,
} as const satisfies Record<string, RouteSpec>;

export type RouteKey = keyof typeof API_ROUTES;
