// An admin sends a mail that failed after its retries again (from the outbox page or the API).
import type { Deps } from '../deps.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { sendAgain } from '../mail/queue.ts';
import { type Actor, auditActor, recordAudit } from './log.ts';

export async function sendMailAgain(deps: Deps, actor: Actor, id: number): Promise<void> {
  const now = deps.clock();
  const mail = await deps.db
    .selectFrom('outbox')
    .select(['status', 'to_address'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!mail) throw notFound('The mail');
  if (!(await sendAgain(deps.db, id, now))) {
    throw new ApiError(409, 'mail_not_failed', 'Only a mail whose delivery failed can be sent again.');
  }
  await recordAudit(deps.db, now, auditActor(actor), {
    action: 'mail.sent_again',
    details: { mailId: id, to: mail.to_address },
  });
  deps.mailer.nudge();
}
