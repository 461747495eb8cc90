// Limits of the API that both sides rely on, kept apart from the zod schemas so a content script can import them
// without bundling zod.

/** Accounts per `POST /api/v1/lookup` call (the server refuses more). */
export const LOOKUP_BATCH = 1000;
