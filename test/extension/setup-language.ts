// Every extension unit test starts in English, as the browser of someone whose language is English shows it, in UTC
// (times are shown in the browser's zone).
import { beforeEach } from 'vitest';
import { speak } from './language.ts';

process.env.TZ = 'UTC';
speak('en');
beforeEach(() => speak('en'));
