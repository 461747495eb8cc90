// An exam as an Open Badges `Achievement`: what a certificate of it attests, served at its `id` for anyone to read.
import type { Deps } from '../deps.ts';
import type { Exam } from '../exams/tables.ts';
import { issuerProfile } from './issuer.ts';
import type { Organisation } from './organisation.ts';

export const achievementUrl = (deps: Deps, examId: string) => `${deps.config.publicUrl}/achievements/${examId}`;
export const badgeImageUrl = (deps: Deps, examId: string) => `${achievementUrl(deps, examId)}/image.png`;

/** The exam's facts the criteria are written from (an exam as it is now; a certificate keeps its own title). */
export type AchievementFacts = Pick<
  Exam,
  'id' | 'title' | 'description' | 'pass_mark' | 'time_limit_minutes' | 'question_count' | 'validity_months'
>;

/** A published exam, or one a certificate was issued for (its credentials point here even after it is withdrawn). */
export async function achievementFacts(deps: Deps, examId: string): Promise<AchievementFacts | undefined> {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(examId)) return undefined;
  return deps.db
    .selectFrom('exams')
    .select(['id', 'title', 'description', 'pass_mark', 'time_limit_minutes', 'question_count', 'validity_months'])
    .where('id', '=', examId)
    .where((eb) =>
      eb.or([
        eb('published', '=', 1),
        eb.exists(
          eb.selectFrom('certificates').select('certificates.id').whereRef('certificates.exam_id', '=', 'exams.id'),
        ),
      ]),
    )
    .executeTakeFirst();
}

/** What a candidate had to do, from the exam's settings (English: the credential is one document for every reader). */
export function criteriaNarrative(exam: AchievementFacts): string {
  const questions = exam.question_count === 1 ? '1 question' : `${exam.question_count} questions`;
  const validity = exam.validity_months
    ? ` The certification is valid for ${exam.validity_months} month${exam.validity_months === 1 ? '' : 's'} from the day it is awarded.`
    : '';
  return (
    `Pass the online exam "${exam.title}": ${questions} drawn from the exam's question bank, answered within ` +
    `${exam.time_limit_minutes} minutes, with a score of at least ${exam.pass_mark}%.${validity}`
  );
}

/** The Achievement of an exam; `title` is the one the certificate was issued under. */
export function achievement(deps: Deps, exam: AchievementFacts, organisation: Organisation, title = exam.title) {
  const id = achievementUrl(deps, exam.id);
  return {
    id,
    type: ['Achievement'],
    achievementType: 'Certification',
    name: title,
    description: exam.description.trim() || `Certification awarded for passing the exam "${title}".`,
    criteria: { id, narrative: criteriaNarrative(exam) },
    image: { id: badgeImageUrl(deps, exam.id), type: 'Image', caption: title },
    creator: issuerProfile(deps, organisation),
  };
}
