import { Hono } from 'hono';
import { guard, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { validate } from '../http/validation.ts';
import {
  attemptView,
  catalogue,
  finaliseAttempt,
  grantExtraTime,
  history,
  loadAttempt,
  saveAnswers,
  startAttempt,
} from './attempts.ts';
import {
  addQuestion,
  archiveQuestion,
  createExam,
  exportExam,
  fromInput,
  getExam,
  importExam,
  listExams,
  listQuestions,
  setAccommodation,
  setPublished,
  toExamView,
  toQuestionView,
  updateExam,
  updateQuestion,
} from './authoring.ts';
import { examReport, reportCsv } from './reports.ts';
import { EXAM_ROUTES as R } from './routes.ts';

const isStaff = (role: string) => role === 'admin' || role === 'support';

/** /api/v1/exams: authoring (admin; support reads) and starting attempts (candidates). */
export const examsApi = new Hono<AppEnv>()
  .get('/', guard(R.listExams.access), async (c) => {
    return c.json({ items: (await listExams(c.get('deps'))).map(toExamView) }, 200);
  })
  .post('/', guard(R.createExam.access), validate('json', R.createExam.body), async (c) => {
    return c.json({ exam: toExamView(await createExam(c.get('deps'), c.req.valid('json'))) }, 201);
  })
  .post('/import', guard(R.importExam.access), async (c) => {
    // Parsed here rather than by the edge validator so errors name paths like questions[3].options[1].text.
    const raw = await c.req.json().catch(() => undefined);
    return c.json({ exam: toExamView(await importExam(c.get('deps'), raw)) }, 201);
  })
  .get('/:id', guard(R.getExam.access), async (c) => {
    return c.json({ exam: toExamView(await getExam(c.get('deps'), c.req.param('id'))) }, 200);
  })
  .patch('/:id', guard(R.updateExam.access), validate('json', R.updateExam.body), async (c) => {
    return c.json({ exam: toExamView(await updateExam(c.get('deps'), c.req.param('id'), c.req.valid('json'))) }, 200);
  })
  .get('/:id/export', guard(R.exportExam.access), async (c) => {
    return c.json(await exportExam(c.get('deps'), c.req.param('id')), 200);
  })
  .post('/:id/publish', guard(R.publishExam.access), async (c) => {
    return c.json({ exam: toExamView(await setPublished(c.get('deps'), c.req.param('id'), true)) }, 200);
  })
  .post('/:id/unpublish', guard(R.unpublishExam.access), async (c) => {
    return c.json({ exam: toExamView(await setPublished(c.get('deps'), c.req.param('id'), false)) }, 200);
  })
  .get('/:id/questions', guard(R.listQuestions.access), async (c) => {
    const deps = c.get('deps');
    await getExam(deps, c.req.param('id'));
    return c.json({ items: (await listQuestions(deps, c.req.param('id'))).map(toQuestionView) }, 200);
  })
  .post('/:id/questions', guard(R.addQuestion.access), validate('json', R.addQuestion.body), async (c) => {
    const row = await addQuestion(c.get('deps'), c.req.param('id'), fromInput(c.req.valid('json')));
    return c.json({ question: toQuestionView(row) }, 201);
  })
  .patch(
    '/:id/questions/:questionId',
    guard(R.updateQuestion.access),
    validate('json', R.updateQuestion.body),
    async (c) => {
      const { id, questionId } = c.req.param();
      const row = await updateQuestion(c.get('deps'), id, questionId, fromInput(c.req.valid('json')));
      return c.json({ question: toQuestionView(row) }, 200);
    },
  )
  .delete('/:id/questions/:questionId', guard(R.deleteQuestion.access), async (c) => {
    const { id, questionId } = c.req.param();
    await archiveQuestion(c.get('deps'), id, questionId);
    return c.body(null, 204);
  })
  .post(
    '/:id/accommodations',
    guard(R.setAccommodation.access),
    validate('json', R.setAccommodation.body),
    async (c) => {
      const { accountId, extraMinutes } = c.req.valid('json');
      await setAccommodation(c.get('deps'), c.req.param('id'), accountId, extraMinutes);
      return c.body(null, 204);
    },
  )
  .get('/:id/report', guard(R.examReport.access), async (c) => {
    const report = await examReport(c.get('deps'), c.req.param('id'));
    if (c.req.query('format') === 'csv')
      return c.body(reportCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="exam-${report.examId}-report.csv"`,
      });
    return c.json(report, 200);
  })
  .post('/:id/attempts', guard(R.startAttempt.access), async (c) => {
    const deps = c.get('deps');
    const { account } = principalOf(c);
    const attempt = await startAttempt(deps, account, c.req.param('id'));
    return c.json({ attempt: await attemptView(deps, attempt) }, 201);
  });

/** /api/v1/attempts and /api/v1/catalogue, /api/v1/me/history: the candidate's own attempts. */
export const attemptsApi = new Hono<AppEnv>()
  .get('/catalogue', guard(R.catalogue.access), async (c) => {
    const entries = await catalogue(c.get('deps'), principalOf(c).account);
    return c.json(
      {
        items: entries.map((e) => ({
          exam: {
            id: e.exam.id,
            title: e.exam.title,
            description: e.exam.description,
            timeLimitMinutes: e.exam.time_limit_minutes,
            passMark: e.exam.pass_mark,
            questionCount: e.exam.question_count,
          },
          attemptsUsed: e.attemptsUsed,
          attemptsLeft: e.attemptsLeft,
          inProgressAttemptId: e.inProgressAttemptId,
          availableFrom: e.availableFrom,
        })),
      },
      200,
    );
  })
  .get('/me/history', guard(R.history.access), async (c) => {
    return c.json(await history(c.get('deps'), principalOf(c).account), 200);
  })
  .get('/attempts/:id', guard(R.getAttempt.access), async (c) => {
    const deps = c.get('deps');
    const { account } = principalOf(c);
    const attempt = await loadAttempt(deps, account, c.req.param('id'), isStaff(account.role));
    return c.json({ attempt: await attemptView(deps, attempt) }, 200);
  })
  .post('/attempts/:id/answers', guard(R.saveAnswers.access), validate('json', R.saveAnswers.body), async (c) => {
    const { account } = principalOf(c);
    return c.json(await saveAnswers(c.get('deps'), account, c.req.param('id'), c.req.valid('json').answers), 200);
  })
  .post('/attempts/:id/submit', guard(R.submitAttempt.access), async (c) => {
    const deps = c.get('deps');
    const { account } = principalOf(c);
    const attempt = await loadAttempt(deps, account, c.req.param('id'));
    await finaliseAttempt(deps, attempt.id, 'candidate');
    return c.json({ attempt: await attemptView(deps, await loadAttempt(deps, account, attempt.id)) }, 200);
  })
  .post('/attempts/:id/extra-time', guard(R.extraTime.access), validate('json', R.extraTime.body), async (c) => {
    const deps = c.get('deps');
    const attempt = await grantExtraTime(deps, c.req.param('id'), c.req.valid('json').minutes);
    return c.json({ attempt: await attemptView(deps, attempt) }, 200);
  });
