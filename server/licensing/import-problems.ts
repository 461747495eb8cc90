// Why an import was refused (rules 33, 34), kept as facts (licence_imports.errors) and worded when read: the reader's
// problems from shared/licensing, the import's own checks, and why it stopped. English readers get the rulebook's own
// sentence, as the CLI prints it; imports stored before the facts were kept hold English text only.
import type { ProblemValues, UserListProblemCode } from '../../shared/licensing/account-rows.ts';
import type { ApiError } from '../http/errors.ts';
import { type I18n, isMessageKey, localise, type MessageKey } from '../i18n/messages.ts';

export type ImportProblemCode =
  | UserListProblemCode
  | 'wrong-environment'
  | 'wrong-production'
  | 'wrong-provider'
  | 'own-provider'
  | 'environment-gone'
  | 'cancelled'
  | 'read-again'
  | 'interrupted'
  | 'interrupted-switching'
  | 'failed';

/** One problem as stored: a line when it has one, a code and its values, and the English sentence. */
export type ImportProblem =
  | { line?: number; code: ImportProblemCode; values: ProblemValues; message: string }
  /** A refusal worded by the server's catalogs (a limit reached): its key and values. */
  | { code: 'message'; key: string; values: ProblemValues; message: string };

/** A problem the import itself finds on a line; the English as the rulebook says it. */
export const lineProblem = (
  line: number,
  code: ImportProblemCode,
  values: ProblemValues,
  english: string,
): ImportProblem => ({ line, code, values, message: `line ${line}: ${english}` });

/** A refusal the server words (an ApiError), kept by its catalog key; values that depend on the reader are dropped. */
export function fromApiError(error: ApiError): ImportProblem {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(error.text.values ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') values[name] = value;
  }
  return { code: 'message', key: error.text.key, values, message: error.message };
}

/** What `licence_imports.errors` holds: facts, or English text from imports stored before them. */
export type StoredProblem = ImportProblem | string;

export const readProblems = (json: string): StoredProblem[] => JSON.parse(json) as StoredProblem[];

/** A problem in the reader's language. */
export function importProblemSentence(i18n: I18n, problem: StoredProblem): string {
  if (typeof problem === 'string') return problem;
  const key = problem.code === 'message' ? problem.key : `rulebook.import.${problem.code}`;
  if (!isMessageKey(key)) return problem.message;
  const values = problem.values as Record<string, string | number>;
  if (!('line' in problem) || problem.line === undefined)
    return localise({ key, values, english: problem.message }, i18n);
  const text = (reader: I18n) => reader.t(key as MessageKey, values);
  return localise(
    { key: 'rulebook.import.line', values: { line: problem.line, problem: text }, english: problem.message },
    i18n,
  );
}

/** Whether a stored problem is worded in the reader's language (old imports' problems are English text). */
export const isWorded = (problem: StoredProblem): boolean => typeof problem !== 'string';
