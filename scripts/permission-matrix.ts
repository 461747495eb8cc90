// `npm run docs:permissions`: writes the permission matrix that the route declarations produce into docs/server.md
// (test/http/permissions.test.ts fails while the document and the routes disagree).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/database.ts';
import { renderPermissionMatrixMarkdown } from '../server/http/permissions.ts';
import { migrations } from '../server/migrations.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'seatkeeper-matrix-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const database = await openDatabase(config, { migrations });
try {
  const { openApiDocument } = createApp({ config, database, mailer: { send: async () => {} } });
  const table = renderPermissionMatrixMarkdown(openApiDocument());
  const file = new URL('../docs/server.md', import.meta.url);
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith('| Route | anonymous'));
  let end = start;
  while (end < lines.length && lines[end]?.startsWith('|')) end++;
  lines.splice(start, end - start, ...table.split('\n'));
  writeFileSync(file, lines.join('\n'));
} finally {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}
