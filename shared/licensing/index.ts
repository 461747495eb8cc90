// The licensing engine: pure TypeScript shared by the server, the CLI and the extension.

export * from './account-rows.ts';
export * from './capacity.ts';
export * from './classify.ts';
export * from './count.ts';
export * from './domains.ts';
export * from './email.ts';
export * from './hygiene.ts';
export * from './identity-index.ts';
export * from './live.ts';
