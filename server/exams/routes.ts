import { z } from 'zod';
import type { RouteSpec } from '../api/routes.ts';
import { examCreateBody, examDocument, examSettingsPatch } from './authoring.ts';
import { answerSchema, questionSchema } from './questions.ts';

// The exam and certificate routes, spread into API_ROUTES so the permission matrix and OpenAPI cover them.

export const saveAnswersBody = z.strictObject({
  answers: z
    .array(
      z.strictObject({
        position: z.number().int().min(0).max(499),
        seq: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
        answer: answerSchema,
      }),
    )
    .min(1)
    .max(500),
});
export const extraTimeBody = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});
export const accommodationBody = z.strictObject({
  accountId: z.string().min(1).max(32),
  extraMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
});
export const revokeBody = z.strictObject({ reason: z.string().trim().min(3, 'Give a reason.').max(500) });
export const reissueBody = z.strictObject({ holderName: z.string().trim().min(1).max(200).optional() });
export const certificateQuery = z.object({
  q: z.string().trim().max(200).optional(),
  examId: z.string().max(32).optional(),
});

const ok = (status: number, description: string) => ({ status, description });

export const EXAM_ROUTES = {
  listExams: {
    method: 'GET',
    path: '/api/v1/exams',
    tag: 'Exams',
    access: 'staffRead',
    summary: 'All exams, published or not',
    success: ok(200, '`{items}`'),
  },
  createExam: {
    method: 'POST',
    path: '/api/v1/exams',
    tag: 'Exams',
    access: 'admin',
    summary: 'Create an exam (unpublished)',
    body: examCreateBody,
    success: ok(201, '`{exam}`'),
  },
  importExam: {
    method: 'POST',
    path: '/api/v1/exams/import',
    tag: 'Exams',
    access: 'admin',
    summary: 'Create an exam with its questions from a `seatkeeper-exam/1` JSON document',
    body: examDocument,
    success: ok(201, '`{exam}`'),
  },
  getExam: {
    method: 'GET',
    path: '/api/v1/exams/{id}',
    tag: 'Exams',
    access: 'staffRead',
    summary: 'One exam',
    success: ok(200, '`{exam}`'),
  },
  updateExam: {
    method: 'PATCH',
    path: '/api/v1/exams/{id}',
    tag: 'Exams',
    access: 'admin',
    summary: 'Change exam settings',
    body: examSettingsPatch,
    success: ok(200, '`{exam}`'),
  },
  exportExam: {
    method: 'GET',
    path: '/api/v1/exams/{id}/export',
    tag: 'Exams',
    access: 'staffRead',
    summary: 'The exam and its questions as a `seatkeeper-exam/1` document (includes answer keys)',
    success: ok(200, 'The document.'),
  },
  publishExam: {
    method: 'POST',
    path: '/api/v1/exams/{id}/publish',
    tag: 'Exams',
    access: 'admin',
    summary: 'Publish (refused while the licence is expired or the bank is too small)',
    success: ok(200, '`{exam}`'),
  },
  unpublishExam: {
    method: 'POST',
    path: '/api/v1/exams/{id}/unpublish',
    tag: 'Exams',
    access: 'admin',
    summary: 'Unpublish (attempts in progress continue)',
    success: ok(200, '`{exam}`'),
  },
  listQuestions: {
    method: 'GET',
    path: '/api/v1/exams/{id}/questions',
    tag: 'Exams',
    access: 'staffRead',
    summary: 'The question bank of an exam (with answer keys)',
    success: ok(200, '`{items}`'),
  },
  addQuestion: {
    method: 'POST',
    path: '/api/v1/exams/{id}/questions',
    tag: 'Exams',
    access: 'admin',
    summary: 'Add a question to the bank',
    body: questionSchema,
    success: ok(201, '`{question}`'),
  },
  updateQuestion: {
    method: 'PATCH',
    path: '/api/v1/exams/{id}/questions/{questionId}',
    tag: 'Exams',
    access: 'admin',
    summary: 'Replace a question (new version; attempts already started keep their snapshot)',
    body: questionSchema,
    success: ok(200, '`{question}`'),
  },
  deleteQuestion: {
    method: 'DELETE',
    path: '/api/v1/exams/{id}/questions/{questionId}',
    tag: 'Exams',
    access: 'admin',
    summary: 'Archive a question (no longer drawn)',
    success: ok(204, 'Archived.'),
  },
  setAccommodation: {
    method: 'POST',
    path: '/api/v1/exams/{id}/accommodations',
    tag: 'Exams',
    access: 'admin',
    summary: 'Extra time for one candidate on every future attempt of this exam',
    body: accommodationBody,
    success: ok(204, 'Saved.'),
  },
  examReport: {
    method: 'GET',
    path: '/api/v1/exams/{id}/report',
    tag: 'Exams',
    access: 'staffRead',
    summary: 'Attempts, pass rate, score distribution and item analysis; `?format=csv` for CSV',
    success: ok(200, 'The report.'),
  },
  catalogue: {
    method: 'GET',
    path: '/api/v1/catalogue',
    tag: 'Taking exams',
    access: 'signedIn',
    summary: 'Published exams with attempts left and cool-down state for the caller',
    success: ok(200, '`{items}`'),
  },
  startAttempt: {
    method: 'POST',
    path: '/api/v1/exams/{id}/attempts',
    tag: 'Taking exams',
    access: 'signedIn',
    summary: 'Start (or resume) an attempt: questions and deadline are fixed on the server',
    success: ok(201, '`{attempt}`'),
  },
  getAttempt: {
    method: 'GET',
    path: '/api/v1/attempts/{id}',
    tag: 'Taking exams',
    access: 'signedIn',
    summary: 'One of your attempts (staff: any): questions, saved answers, time left, result per review policy',
    success: ok(200, '`{attempt}`'),
  },
  saveAnswers: {
    method: 'POST',
    path: '/api/v1/attempts/{id}/answers',
    tag: 'Taking exams',
    access: 'signedIn',
    summary: 'Save answers; per question the highest `seq` wins, so retries are harmless. 409 after the deadline',
    body: saveAnswersBody,
    success: ok(200, '`{saved, deadlineAt}`'),
  },
  submitAttempt: {
    method: 'POST',
    path: '/api/v1/attempts/{id}/submit',
    tag: 'Taking exams',
    access: 'signedIn',
    summary: 'Finish the attempt and score it (idempotent)',
    success: ok(200, '`{attempt}`'),
  },
  extraTime: {
    method: 'POST',
    path: '/api/v1/attempts/{id}/extra-time',
    tag: 'Taking exams',
    access: 'admin',
    summary: 'Extend the deadline of an attempt in progress',
    body: extraTimeBody,
    success: ok(200, '`{attempt}`'),
  },
  history: {
    method: 'GET',
    path: '/api/v1/me/history',
    tag: 'Taking exams',
    access: 'signedIn',
    summary: 'Your attempts and certificates',
    success: ok(200, '`{attempts, certificates}`'),
  },
  listCertificates: {
    method: 'GET',
    path: '/api/v1/certificates',
    tag: 'Certificates',
    access: 'staffRead',
    summary: 'Search certificates (`q`: name, exam or id)',
    query: certificateQuery,
    success: ok(200, '`{items}`'),
  },
  getCertificate: {
    method: 'GET',
    path: '/api/v1/certificates/{id}',
    tag: 'Certificates',
    access: 'signedIn',
    summary: 'One of your certificates (staff: any)',
    success: ok(200, '`{certificate}`'),
  },
  certificatePdf: {
    method: 'GET',
    path: '/api/v1/certificates/{id}/pdf',
    tag: 'Certificates',
    access: 'signedIn',
    summary: 'The certificate as PDF with a QR code to its verification page (same bytes every time)',
    success: ok(200, 'application/pdf'),
  },
  certificateCredential: {
    method: 'GET',
    path: '/api/v1/certificates/{id}/credential',
    tag: 'Certificates',
    access: 'signedIn',
    summary: 'Open Badges 3.0 credential as a VC-JWT (EdDSA), key at /.well-known/jwks.json',
    success: ok(200, 'application/vc+jwt'),
  },
  revokeCertificate: {
    method: 'POST',
    path: '/api/v1/certificates/{id}/revoke',
    tag: 'Certificates',
    access: 'admin',
    summary: 'Revoke with a reason (shown on the public verification page)',
    body: revokeBody,
    success: ok(200, '`{certificate}`'),
  },
  reissueCertificate: {
    method: 'POST',
    path: '/api/v1/certificates/{id}/reissue',
    tag: 'Certificates',
    access: 'admin',
    summary: "Re-issue with the holder's current (or the given) name; the old one is revoked and points to the new",
    body: reissueBody,
    success: ok(201, '`{certificate}`'),
  },
  verifyCertificate: {
    method: 'GET',
    path: '/api/v1/verify/{id}',
    tag: 'Certificates',
    access: 'public',
    summary: 'Public status of a certificate: valid, expired or revoked (rate-limited, no account needed)',
    success: ok(200, '`{certificate}`'),
  },
} as const satisfies Record<string, RouteSpec>;
