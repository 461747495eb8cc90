// Which column of a user list is read as what (rule 34): the header is matched against every platform's columns
// (user-list-platforms.ts), the platform that knows most of them is chosen, and the result says, column by column,
// what is read, what is known but not needed, and what is not recognised. Nothing that decides counting is dropped
// silently: the mapping is shown before counting, and a strict reading refuses unrecognised columns.
import { AccountRowError } from './account-rows.ts';
import { quoteValue } from './quote-value.ts';
import {
  type AccountField,
  headerKey,
  PLATFORMS,
  type Platform,
  type PlatformColumn,
  SEATKEEPER,
  type Vocabulary,
} from './user-list-platforms.ts';

export interface ColumnReading {
  /** 1-based, as a spreadsheet user counts columns. */
  column: number;
  /** The header as the file writes it. */
  header: string;
  /** The account field it is read as, or null when it is not read. */
  readAs: AccountField | null;
  status: 'read' | 'not-needed' | 'unrecognised';
  /** Why it is read that way or not needed, in words an admin can check. */
  why?: string;
  /** Read this way because an admin chose so (ColumnChoices), not by its name. */
  chosen?: boolean;
}

/**
 * An admin's choices for some columns, by header (compared as headerKey compares): read as this field, or null: not
 * read. The portal remembers them per user provider.
 */
export type ColumnChoices = Readonly<Record<string, AccountField | null>>;

export interface FieldSource {
  /** 0-based position in a record. */
  position: number;
  header: string;
  vocabulary?: Vocabulary;
  tenantId?: boolean;
}

export interface ColumnMapping {
  platform: Platform['id'];
  platformName: string;
  /** How many fields the header has: every record must have as many. */
  width: number;
  columns: ColumnReading[];
  fields: Partial<Record<AccountField, FieldSource>>;
  /** Headers not recognised by the chosen platform (nor Seatkeeper's own columns). */
  unrecognised: string[];
  /** The list is Seatkeeper's own users export, whose cells are guarded against spreadsheets (spreadsheet-cells.ts). */
  seatkeeperExport: boolean;
}

function platformIndex(platform: Platform): Map<string, PlatformColumn> {
  return new Map(platform.columns.map((column) => [headerKey(column.name), column]));
}

const INDEXES = new Map(PLATFORMS.map((platform) => [platform.id, platformIndex(platform)]));
const OWN = INDEXES.get(SEATKEEPER.id) as Map<string, PlatformColumn>;
// Seatkeeper's columns that may be added to another platform's export to describe where its rows belong.
const ADDABLE = new Set<AccountField>(['environment', 'production', 'provider', 'tenant', 'it_user', 'role']);
const EXPORT_ONLY = SEATKEEPER.columns.filter((column) => column.exportOnly).length;

function addable(key: string): boolean {
  const own = OWN.get(key);
  return own?.field != null && ADDABLE.has(own.field);
}

/** The platform whose columns the header uses most; Seatkeeper's own columns win a tie. */
function choosePlatform(keys: readonly string[]): Platform {
  let best = SEATKEEPER;
  let bestScore = -1;
  for (const platform of PLATFORMS) {
    const index = INDEXES.get(platform.id) as Map<string, PlatformColumn>;
    const score = keys.filter((key) => index.has(key) || (platform !== SEATKEEPER && addable(key))).length;
    if (score > bestScore) {
      best = platform;
      bestScore = score;
    }
  }
  return best;
}

const DESCRIBED: Record<AccountField, string> = {
  environment: 'environment',
  production: 'production flag',
  provider: 'user provider',
  tenant: 'tenant',
  username: 'username',
  email: 'email',
  active: 'active',
  it_user: 'IT user',
  role: 'role',
  anonymous: 'anonymous',
};

/** Seatkeeper's own column of a field: how a column chosen for that field reads its values. */
const OWN_BY_FIELD = new Map(
  SEATKEEPER.columns.filter((column) => column.field !== null).map((column) => [column.field, column]),
);

/** Reads a header row into a mapping, or refuses it naming the problem and what to do. */
export function mapUserListColumns(header: readonly string[], line = 1, choices: ColumnChoices = {}): ColumnMapping {
  const keys = header.map(headerKey);
  const platform = choosePlatform(keys);
  const index = INDEXES.get(platform.id) as Map<string, PlatformColumn>;
  const columns: ColumnReading[] = [];
  const fields: Partial<Record<AccountField, FieldSource>> = {};
  const unrecognised: string[] = [];
  const choice = new Map(Object.entries(choices).map(([name, field]) => [headerKey(name), field]));
  const chosenFields = new Set([...choice.values()].filter((field) => field !== null));
  let exportOnly = 0;
  header.forEach((raw, position) => {
    const name = raw.replace(/^\uFEFF/, '').trim();
    const key = keys[position] as string;
    let known = index.get(key);
    if (known === undefined && platform !== SEATKEEPER && addable(key)) known = OWN.get(key);
    let chosen = false;
    if (key !== '' && choice.has(key)) {
      const field = choice.get(key) as AccountField | null;
      chosen = true;
      if (field === null) {
        columns.push({ column: position + 1, header: name, readAs: null, status: 'not-needed', chosen: true });
        return;
      }
      // The platform's own reading of that column when it names the same field; Seatkeeper's for that field else.
      known = known?.field === field ? known : { ...(OWN_BY_FIELD.get(field) ?? { field }), name };
    } else if (known?.field != null && chosenFields.has(known.field)) {
      // Another column was chosen for this field.
      columns.push({ column: position + 1, header: name, readAs: null, status: 'not-needed', chosen: true });
      return;
    }
    if (known === undefined || key === '') {
      columns.push({ column: position + 1, header: name, readAs: null, status: 'unrecognised' });
      unrecognised.push(name);
      return;
    }
    if (known.exportOnly && !chosen) exportOnly++;
    if (known.field === null) {
      columns.push({ column: position + 1, header: name, readAs: null, status: 'not-needed', why: known.why });
      return;
    }
    const twice = fields[known.field];
    if (twice !== undefined) {
      throw new AccountRowError(
        line,
        `the header has two columns read as ${DESCRIBED[known.field]}: ${quoteValue(twice.header)} (column ${twice.position + 1}) and ${quoteValue(name)} (column ${position + 1}); remove or rename one`,
        'column-read-twice',
        {
          field: known.field,
          first: quoteValue(twice.header),
          firstColumn: twice.position + 1,
          second: quoteValue(name),
          secondColumn: position + 1,
        },
      );
    }
    fields[known.field] = {
      position,
      header: name,
      ...(known.vocabulary ? { vocabulary: known.vocabulary } : {}),
      ...(known.tenantId ? { tenantId: true } : {}),
    };
    columns.push({
      column: position + 1,
      header: name,
      readAs: known.field,
      status: 'read',
      ...(known.why ? { why: known.why } : {}),
      ...(chosen ? { chosen: true } : {}),
    });
  });
  if (fields.username === undefined && fields.email === undefined) {
    const found = header.length === 0 ? 'nothing' : header.map((h) => quoteValue(h, 40)).join(', ');
    throw new AccountRowError(
      line,
      `the header has neither a "username" nor an "email" column (found: ${found}); the first line must name the columns, e.g. username,email,active`,
      'no-identity-column',
      { found: header.map((h) => quoteValue(h, 40)).join(', ') },
    );
  }
  const seatkeeperExport = platform === SEATKEEPER && EXPORT_ONLY > 0 && exportOnly === EXPORT_ONLY;
  return {
    platform: platform.id,
    platformName: platform.name,
    width: header.length,
    columns,
    fields,
    unrecognised,
    seatkeeperExport,
  };
}

/** The mapping in lines a person reads: the platform, then each column and what becomes of it. */
export function describeMapping(mapping: ColumnMapping): string[] {
  const lines = [`Columns read as ${mapping.platformName}:`];
  for (const column of mapping.columns) {
    const what =
      column.status === 'read'
        ? `read as ${DESCRIBED[column.readAs as AccountField]}`
        : column.status === 'not-needed'
          ? column.chosen
            ? 'ignored: as chosen'
            : 'ignored: not needed for counting'
          : 'ignored: not recognised';
    lines.push(
      `  ${String(column.column).padStart(3)}. ${quoteValue(column.header, 60)} ${what}${column.why ? ` (${column.why})` : ''}`,
    );
  }
  return lines;
}
