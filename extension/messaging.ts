// The sending side of the protocol in messages.ts, without its zod schemas: content scripts bundle this file only.
import { browser } from 'wxt/browser';
import { t } from './i18n.ts';
import type { Failure, MessageFailureKind, RequestOf, RequestType, Response } from './messages.ts';

export const failure = (kind: MessageFailureKind, message: string): Failure => ({
  ok: false,
  error: { kind, message },
});

/** Sends one request to the background and returns its typed answer (never throws for a failed request). */
export async function ask<T extends RequestType>(request: RequestOf<T>): Promise<Response<T>> {
  try {
    const answer = (await browser.runtime.sendMessage(request)) as Response<T> | undefined;
    return answer ?? failure('failed', t('messagingNoAnswer'));
  } catch (error) {
    return failure('failed', t('messagingNoAnswerBecause', (error as Error).message));
  }
}
