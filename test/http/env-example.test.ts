// .env.example lists every variable the server reads, and nothing else (issue 23, item 12), with values it accepts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES, loadConfig } from '../../server/config.ts';

const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const assignments = example
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at), line.slice(at + 1)] as const;
  });

describe('.env.example', () => {
  it('names every variable of server/config.ts exactly once, and no other', () => {
    const names = assignments.map(([name]) => name);
    expect([...names].sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('holds values the server accepts as they are', () => {
    const config = loadConfig(Object.fromEntries(assignments));
    expect(config).toMatchObject({ port: 8787, host: '127.0.0.1', dataDir: './data', logLevel: 'info' });
  });
});
