// Column headers by meaning: which column holds the username and which the email, whatever the console calls them
// ("Username", "Login", "User principal name", "Primary email", "E-mail address", ユーザー名, メールアドレス), read
// after the text only screen readers get ("Sort ascending.") is left out.
import { readPieces } from './values.ts';

export type ColumnMeaning = 'username' | 'email';

/** Normalised: compatibility forms folded (full-width letters), lower case, every run of non-letters one space. */
function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Whole header names, normalised. English first, then the languages consoles are most often used in here.
const NAMES: Record<ColumnMeaning, readonly string[]> = {
  username: [
    'username',
    'user name',
    'usernames',
    'user',
    'users',
    'login',
    'login name',
    'login id',
    'user login',
    'user id',
    'userid',
    'account',
    'account name',
    'sign in name',
    'user principal name',
    'upn',
    'person username',
    'person and username',
    'benutzername',
    'benutzer',
    'nom d utilisateur',
    'identifiant',
    'utilisateur',
    'nombre de usuario',
    'usuario',
    'nome de usuário',
    'usuário',
    'nome utente',
    'gebruikersnaam',
    'ユーザー名',
    'ユーザ名',
    'ユーザー',
    'ユーザーid',
    'ユーザid',
    'ログイン名',
    'ログインid',
    'アカウント',
    'アカウント名',
    '用户名',
    '帳號',
    '사용자 이름',
  ],
  email: [
    'email',
    'e mail',
    'emails',
    'email address',
    'e mail address',
    'email addresses',
    'mail',
    'mail address',
    'primary email',
    'work email',
    'email id',
    'contact email',
    'courriel',
    'adresse e mail',
    'adresse électronique',
    'adresse email',
    'e mail adresse',
    'correo',
    'correo electrónico',
    'endereço de e mail',
    'indirizzo email',
    'メール',
    'メールアドレス',
    'eメール',
    'eメールアドレス',
    '電子メール',
    '電子メールアドレス',
    'メールアドレス 主',
    '邮箱',
    '电子邮件',
    '이메일',
  ],
};

const EXACT = new Map<string, ColumnMeaning>();
for (const meaning of ['username', 'email'] as const) for (const name of NAMES[meaning]) EXACT.set(name, meaning);

// What may follow a column's name when a console glues its sort control's words to it: "Username Sort ascending".
const SORT_WORDS = /^(sort|sorted|sortable|click|press|activate|order|ordenar|trier|trié|sortieren|並べ替え|ソート)/;

/** What a header's text means: exact names first, then a name followed by the words of a sort control. */
export function columnMeaning(text: string): ColumnMeaning | undefined {
  const name = normaliseHeader(text);
  if (name === '') return undefined;
  const exact = EXACT.get(name);
  if (exact) return exact;
  for (const [known, meaning] of EXACT) {
    // Also glued to it: "Email addressSort by Email address Ascending" when the hidden part is not marked as such.
    if (name.startsWith(known) && SORT_WORDS.test(name.slice(known.length).trimStart())) return meaning;
  }
  return undefined;
}

/** A header cell's meaning: its visible text, else the names a console gives it in attributes. */
export function headerMeaning(cell: Element): ColumnMeaning | undefined {
  const byText = columnMeaning(readPieces(cell, { addOns: true }).join(' '));
  if (byText) return byText;
  for (const attribute of ['abbr', 'aria-label', 'data-label', 'title']) {
    const value = cell.getAttribute(attribute);
    const meaning = value ? columnMeaning(value) : undefined;
    if (meaning) return meaning;
  }
  return undefined;
}

/** A data cell's own statement of its column (WordPress's data-colname, a stacked table's data-label). */
export function cellMeaning(cell: Element): ColumnMeaning | undefined {
  const label = cell.getAttribute('data-colname') ?? cell.getAttribute('data-label');
  return label ? columnMeaning(label) : undefined;
}
