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
const OPTIONAL = ['attemptsAllowed', 'validityMonths', 'drawTag', 'reviewAfter'];
const FLAGS = ['shuffleQuestions', 'shuffleOptions'];

/** datetime-local has no zone: it is read as UTC, the zone every stored time is in (the form says so). */
const fromLocalTime = (value: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value);
const toLocalTime = (iso: string | null) => (iso ? iso.slice(0, 16) : '');

export function readSettingsForm(
  values: SettingsFormValues,
): { ok: true; settings: ExamSettings } | { ok: false; errors: FieldMessages; values: SettingsFormValues } {
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
  raw.drawTag = (values.drawTag ?? '').trim() || null;
  raw.reviewAfter = (values.reviewAfter ?? '').trim() ? fromLocalTime((values.reviewAfter ?? '').trim()) : null;
  for (const flag of FLAGS) raw[flag] = values[flag] === 'on';
  const parsed = examCreateBody.safeParse(raw);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const errors: FieldMessages = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'title')] ??= issueMessage(issue);
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
    drawTag: exam.drawTag ?? '',
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
