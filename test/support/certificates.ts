import { answerAll, examWorld, startAttempt, submit } from './exams.ts';
import type { TestContext } from './server.ts';

/** A candidate who passed the sample exam, and the certificate it gave them. */
export async function passedCertificate(ctx: TestContext, overrides: Record<string, unknown> = {}) {
  const world = await examWorld(ctx, overrides);
  const attempt = await startAttempt(ctx, world);
  await answerAll(ctx, world.cookie, attempt);
  const done = await submit(ctx, world.cookie, attempt.id);
  if (!done.certificateId) throw new Error('no certificate');
  return { world, certificateId: done.certificateId, attemptId: attempt.id };
}

/** The parts of a compact JWS, decoded. */
export function decodeCompactJws(jwt: string) {
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    signingInput: Buffer.from(`${header}.${payload}`, 'utf8'),
    signature: Buffer.from(signature, 'base64url'),
  };
}
