// The licensing engine: pure TypeScript shared by the server, the CLI and the extension.

export * from './account-rows.ts';
export * from './capacity.ts';
export * from './classify.ts';
export * from './count.ts';
export * from './csv-records.ts';
export * from './domains.ts';
export * from './email.ts';
export * from './environment-names.ts';
export * from './hygiene.ts';
export * from './identity-index.ts';
export * from './live.ts';
export * from './quote-value.ts';
export * from './spreadsheet-cells.ts';
export * from './user-list-columns.ts';
export * from './user-list-decoder.ts';
export * from './user-list-platforms.ts';
export * from './user-list-reader.ts';
export * from './user-list-rows.ts';
