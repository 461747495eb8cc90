// What a page says in words, and where it still says them in English: the check behind "every page in Japanese".
import { Window } from 'happy-dom';

/** Elements whose words are not the page's own sentences: code, mail as sent, and content marked as another language. */
const NOT_PROSE = 'script, style, code, pre, textarea, [lang]:not([lang="ja"])';
/** Attributes a person reads or hears (a screen reader reads aria-label and title). */
const READ_ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'alt'];

/** The words a person reads on a page: its title, its text and the attributes read out, without code or marked English. */
export function readableText(html: string): string[] {
  const window = new Window();
  try {
    const { document } = window;
    document.write(html);
    const texts = [document.title];
    // Within the body: the root's own lang is the page's language, not a marked passage.
    for (const element of [...document.body.querySelectorAll(NOT_PROSE)]) element.remove();
    for (const element of [...document.querySelectorAll('*')]) {
      for (const name of READ_ATTRIBUTES) {
        const value = element.getAttribute(name);
        if (value) texts.push(value);
      }
    }
    // Block boundaries become line breaks, so words of neighbouring cells never join into one run.
    for (const element of [
      ...document.querySelectorAll('p, li, td, th, dt, dd, h1, h2, h3, option, button, a, label'),
    ]) {
      element.append(document.createTextNode('\n'));
    }
    texts.push(document.body?.textContent ?? '');
    return texts;
  } finally {
    window.close();
  }
}

/** Names that are the same in every language (the product, other products, and their own screens). */
const PROPER_NAMES = /\b(Seatkeeper|OutSystems|Service Center|Open Badges?|Chrome|Edge)\b/g;

/**
 * Runs of three or more English words (letters only, one space apart): a sentence that did not go through the
 * catalogs. Email addresses, URLs, file names and identifiers break a run, because they are not plain words.
 */
export function englishRuns(texts: string[]): string[] {
  const runs: string[] = [];
  for (const text of texts) {
    const plain = text.replace(PROPER_NAMES, '·');
    for (const match of plain.matchAll(/(?<![\w@./:-])[A-Za-z][a-z']*(?: [A-Za-z][a-z']*){2,}(?![\w@/:-])/g)) {
      runs.push(match[0]);
    }
  }
  return runs;
}
