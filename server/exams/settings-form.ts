// The exam settings form: its text fields to settings (validated by the API's schema), and settings back to fields.

import { type FieldMessages, issueMessage } from '../http/errors.ts';
import { type ExamSettings, type ExamView, examCreateBody } from './authoring.ts';

export type SettingsFormValues = Record<string, string>;

const NUMBERS = [
  'timeLimitMinutes',
  'passMark',
  'attemptsAllowed',
  'cooldownMinutes',
  'validityMonths',
  'questionCount',
];
/** Left empty, these mean "no limit" (null) rather than "missing". */
const OPTIONAL = ['attemptsAllowed', 'validityMonths', 'reviewAfter'];
const FLAGS = ['shuffleQuestions', 'shuffleOptions'];

/** datetime-local has no zone: it is read as UTC, the zone every stored time is in (the form says so). */
const fromLocalTime = (value: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value);
const toLocalTime = (iso: string | null) => (iso ? iso.slice(0, 16) : '');

/** One row of the draw rules as typed: `drawRules.<n>.tag`, `.count`, `.remove` (a checkbox: works without script). */
export interface DrawRuleRow {
  tag: string;
  count: string;
}

const RULE_FIELD = /^drawRules\.(\d+)\.(tag|count|remove)$/;

/** The rows as the form sent them, in their order; rows ticked "remove" are gone. Blank rows stay (the page shows them). */
export function drawRuleRows(values: SettingsFormValues): DrawRuleRow[] {
  const rows = new Map<number, DrawRuleRow & { remove: boolean }>();
  for (const [key, value] of Object.entries(values)) {
    const match = RULE_FIELD.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const row = rows.get(index) ?? { tag: '', count: '', remove: false };
    if (match[2] === 'remove') row.remove = value === 'on';
    else row[match[2] as 'tag' | 'count'] = value.trim();
    rows.set(index, row);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, row]) => !row.remove)
    .map(([, { tag, count }]) => ({ tag, count }));
}

/** The form's values with the rule rows numbered again from 0, so a message keyed `drawRules.1.count` finds its row. */
export function withDrawRuleRows(values: SettingsFormValues, rows: DrawRuleRow[]): SettingsFormValues {
  const rest = Object.fromEntries(Object.entries(values).filter(([key]) => !RULE_FIELD.test(key)));
  rows.forEach((row, index) => {
    rest[`drawRules.${index}.tag`] = row.tag;
    rest[`drawRules.${index}.count`] = row.count;
  });
  return rest;
}

export function readSettingsForm(
  typed: SettingsFormValues,
):
  | { ok: true; settings: ExamSettings; values: SettingsFormValues }
  | { ok: false; errors: FieldMessages; values: SettingsFormValues } {
  const rows = drawRuleRows(typed).filter((row) => row.tag !== '' || row.count !== '');
  const values = withDrawRuleRows(typed, rows);
  const raw: Record<string, unknown> = {
    title: values.title ?? '',
    description: values.description ?? '',
    reviewPolicy: values.reviewPolicy || 'score_only',
  };
  for (const name of NUMBERS) {
    const text = (values[name] ?? '').trim();
    if (text === '') raw[name] = OPTIONAL.includes(name) ? null : undefined;
    else raw[name] = /^-?\d+$/.test(text) ? Number(text) : text;
  }
  raw.drawRules = rows.map((row) => ({ tag: row.tag, count: /^\d+$/.test(row.count) ? Number(row.count) : row.count }));
  raw.reviewAfter = (values.reviewAfter ?? '').trim() ? fromLocalTime((values.reviewAfter ?? '').trim()) : null;
  for (const flag of FLAGS) raw[flag] = values[flag] === 'on';
  const parsed = examCreateBody.safeParse(raw);
  if (parsed.success) return { ok: true, settings: parsed.data, values };
  const errors: FieldMessages = {};
  for (const issue of parsed.error.issues) {
    // A rule's problem belongs to its row's field; any other to the setting.
    const field = issue.path[0] === 'drawRules' ? issue.path.join('.') : String(issue.path[0] ?? 'title');
    errors[field] ??= issueMessage(issue);
  }
  return { ok: false, errors, values };
}

export function settingsFormValues(exam: ExamView): SettingsFormValues {
  const number = (n: number | null) => (n === null ? '' : String(n));
  return {
    title: exam.title,
    description: exam.description,
    timeLimitMinutes: number(exam.timeLimitMinutes),
    passMark: number(exam.passMark),
    attemptsAllowed: number(exam.attemptsAllowed),
    cooldownMinutes: number(exam.cooldownMinutes),
    validityMonths: number(exam.validityMonths),
    reviewPolicy: exam.reviewPolicy,
    reviewAfter: toLocalTime(exam.reviewAfter),
    questionCount: number(exam.questionCount),
    ...withDrawRuleRows(
      {},
      exam.drawRules.map((rule) => ({ tag: rule.tag, count: String(rule.count) })),
    ),
    ...(exam.shuffleQuestions && { shuffleQuestions: 'on' }),
    ...(exam.shuffleOptions && { shuffleOptions: 'on' }),
  };
}

/** A new exam's form: the settings most exams start from. */
export const NEW_EXAM_VALUES: SettingsFormValues = {
  timeLimitMinutes: '30',
  passMark: '70',
  cooldownMinutes: '0',
  questionCount: '1',
  reviewPolicy: 'score_only',
};
