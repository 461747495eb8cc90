// The question editor's form: its fields to a question (validated by the same schema as the API and the import),
// a question back to fields, and each schema problem to the form field it belongs to.

import { type FieldMessages, issueMessage } from '../http/errors.ts';
import { type QuestionContent, type QuestionInput, questionSchema } from './questions.ts';

export const QUESTION_KINDS = ['single', 'multiple', 'true_false', 'short_answer'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const isQuestionKind = (value: unknown): value is QuestionKind => QUESTION_KINDS.includes(value as QuestionKind);

/** Option rows the form offers: the question's own plus empty ones to fill, up to the schema's ten. */
export const MAX_OPTIONS = 10;
export const optionRows = (filled: number) => Math.min(MAX_OPTIONS, Math.max(4, filled + 2));

export type QuestionFormValues = Record<string, string>;

export type QuestionFormResult =
  | { ok: true; question: QuestionInput }
  | { ok: false; errors: FieldMessages; values: QuestionFormValues };

const lines = (value: string | undefined) =>
  (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

const list = (value: string | undefined) =>
  (value ?? '')
    .split(/[,、]/)
    .map((tag) => tag.trim())
    .filter(Boolean);

/** Reads the editor's fields; option rows left empty are skipped, and problems point at the row the author typed in. */
export function readQuestionForm(kind: QuestionKind, values: QuestionFormValues): QuestionFormResult {
  const base = { kind, text: values.text ?? '', tags: list(values.tags) };
  const rows: number[] = [];
  let raw: Record<string, unknown>;
  if (kind === 'single' || kind === 'multiple') {
    const options = [];
    for (let row = 0; row < MAX_OPTIONS; row++) {
      const text = (values[`option-${row}`] ?? '').trim();
      if (!text) continue;
      rows.push(row);
      const correct = kind === 'single' ? values.correct === String(row) : values[`correct-${row}`] === 'on';
      options.push({ text, correct });
    }
    raw = { ...base, options, ...(kind === 'multiple' && { scoring: values.scoring || 'all_or_nothing' }) };
  } else if (kind === 'true_false') {
    raw = { ...base, answer: values.answer === 'true' ? true : values.answer === 'false' ? false : undefined };
  } else {
    raw = {
      ...base,
      match: values.match || 'exact',
      caseSensitive: values.caseSensitive === 'on',
      accepted: lines(values.accepted),
    };
  }
  const parsed = questionSchema.safeParse(raw);
  if (parsed.success) return { ok: true, question: parsed.data };
  const errors: FieldMessages = {};
  for (const issue of parsed.error.issues) {
    const [head, index] = issue.path;
    let field = String(head ?? 'text');
    if (head === 'options' && typeof index === 'number') field = `option-${rows[index] ?? index}`;
    errors[field] ??= issueMessage(issue);
  }
  return { ok: false, errors, values };
}

/** A stored question as the editor's fields. */
export function questionFormValues(content: QuestionContent, tags: string[]): QuestionFormValues {
  const values: QuestionFormValues = { text: content.text, tags: tags.join(', ') };
  if (content.kind === 'single' || content.kind === 'multiple') {
    content.options.forEach((option, row) => {
      values[`option-${row}`] = option.text;
      if (option.correct) {
        if (content.kind === 'single') values.correct = String(row);
        else values[`correct-${row}`] = 'on';
      }
    });
    if (content.kind === 'multiple') values.scoring = content.scoring ?? 'all_or_nothing';
  } else if (content.kind === 'true_false') {
    values.answer = String(content.answer);
  } else if (content.kind === 'short_answer') {
    values.accepted = content.accepted.join('\n');
    values.match = content.match;
    if (content.caseSensitive) values.caseSensitive = 'on';
  }
  return values;
}

/** How many option rows the values fill (the last filled row counts, so gaps stay where the author left them). */
export function filledOptionRows(values: QuestionFormValues): number {
  let last = -1;
  for (let row = 0; row < MAX_OPTIONS; row++) if ((values[`option-${row}`] ?? '').trim()) last = row;
  return last + 1;
}
