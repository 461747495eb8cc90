// @vitest-environment happy-dom
// Reading values, not cells: the cases issue 20 found on real consoles (a label glued to an address, row actions
// glued to a username, a username stacked over an email, "Name <addr>", "addr (unverified)"), headers by meaning
// after their hidden text is left out, and rows beyond tables (ARIA grids, repeated div rows, addresses in text).
import { describe, expect, it } from 'vitest';
import { columnMeaning, headerMeaning } from '../../extension/consoles/columns.ts';
import { genericAdapter } from '../../extension/consoles/generic.ts';
import { isPageChrome } from '../../extension/consoles/page-chrome.ts';
import { addressValueIn, emailIn, isAddressValue, readPieces, usernameIn } from '../../extension/consoles/values.ts';

function element(html: string): Element {
  document.body.innerHTML = html;
  return document.body.firstElementChild as Element;
}

/** A table cell holding `html` (a <td> outside a table is dropped by the HTML parser). */
function cell(html: string): Element {
  document.body.innerHTML = `<table><tbody><tr><td>${html}</td></tr></tbody></table>`;
  return document.querySelector('td') as Element;
}

const found = (html: string) =>
  genericAdapter.findAccounts(element(html).ownerDocument).map(({ username, email }) => ({ username, email }));

describe('reading a cell', () => {
  it('keeps a status label inside the link apart from the address (Keycloak: "carla@northwind.com" + "Disabled")', () => {
    const td = cell('<a href="#">carla@northwind.com<span class="user-state">Disabled</span></a>');
    expect(readPieces(td)).toEqual(['carla@northwind.com', 'Disabled']);
    expect(usernameIn(readPieces(td))).toBe('carla@northwind.com');
    expect(addressValueIn(readPieces(td))).toBe('carla@northwind.com');
  });

  it('leaves out row actions, buttons, icons and screen-reader text (WordPress username cell)', () => {
    const td = cell(
      '<img alt="" src="a.png"> <strong><a href="#">jsmith</a></strong><br><div class="row-actions"><span><a href="#">Edit</a> | </span><span><a href="#">Delete</a> | </span><span><a href="#">View</a></span></div><button class="toggle-row"><span class="screen-reader-text">Show more details</span></button>',
    );
    expect(readPieces(td)).toEqual(['jsmith']);
  });

  it('reads a username and an email stacked in two divs as two values', () => {
    const td = cell('<div>jsmith</div><div>john.smith@northwind.com</div>');
    expect(readPieces(td)).toEqual(['jsmith', 'john.smith@northwind.com']);
    expect(usernameIn(readPieces(td))).toBe('jsmith');
  });

  it('reads past a display name to the login under it, and drops a leading @ of a handle', () => {
    expect(usernameIn(['Jane Doe', 'jane.doe@mycompany.com'])).toBe('jane.doe@mycompany.com');
    expect(usernameIn(['John Smith', '@jsmith'])).toBe('jsmith');
    expect(usernameIn(['admin', '— Super Admin'])).toBe('admin');
  });

  it('keeps a word split by inline formatting whole (a search match highlighted inside an address)', () => {
    const td = cell('<a href="#"><mark>john</mark>.smith@northwind.com</a>');
    expect(readPieces(td)).toEqual(['john.smith@northwind.com']);
  });

  it('never reads hidden text: aria-hidden, .sr-only, .visually-hidden, .accesshide, [hidden]', () => {
    const td = cell(
      '<span aria-hidden="true">—</span><span class="sr-only">Unknown</span><span class="visually-hidden">x</span><span class="accesshide">y</span><span hidden>z</span>ann@mycompany.com',
    );
    expect(readPieces(td)).toEqual(['ann@mycompany.com']);
  });
});

describe('finding an address in text', () => {
  it('reads "Name <addr>", "addr (unverified)", a full-width at sign and a mailto: prefix', () => {
    expect(emailIn('Jane Doe <jane.doe@northwind.com>')).toBe('jane.doe@northwind.com');
    expect(emailIn('priya.kumar@gmail.com (unverified)')).toBe('priya.kumar@gmail.com');
    expect(emailIn('田中 太郎 <taro＠example.co.jp>')).toBe('taro@example.co.jp');
    expect(emailIn('mailto:ops@contractors.net')).toBe('ops@contractors.net');
    expect(emailIn('Write to it@mycompany.com.')).toBe('it@mycompany.com');
    expect(emailIn('no address here')).toBeUndefined();
    expect(emailIn('carla@northwind.comDisabled')).toBe('carla@northwind.comDisabled');
  });

  it('tells an address value from a sentence mentioning one', () => {
    expect(isAddressValue('Jane Doe <jane.doe@northwind.com>', 'jane.doe@northwind.com')).toBe(true);
    expect(isAddressValue('priya.kumar@gmail.com (unverified)', 'priya.kumar@gmail.com')).toBe(true);
    expect(isAddressValue('Email: ann@mycompany.com', 'ann@mycompany.com')).toBe(true);
    expect(isAddressValue('Contact bob@mycompany.com for details about the migration', 'bob@mycompany.com')).toBe(
      false,
    );
  });
});

describe('headers by meaning', () => {
  it.each([
    ['Username', 'username'],
    ['Username Sort ascending.', 'username'],
    ['User', 'username'],
    ['Login', 'username'],
    ['User principal name', 'username'],
    ['Person & username', 'username'],
    ['ユーザー名', 'username'],
    ['ログインID', 'username'],
    ['Nom d’utilisateur', 'username'],
    ['Email', 'email'],
    ['E-mail address', 'email'],
    ['Primary email', 'email'],
    ['Email addressSort by Email address Ascending', 'email'],
    ['メールアドレス', 'email'],
    ['Ｅメール', 'email'],
    ['Courriel', 'email'],
  ])('reads %j as the %s column', (text, meaning) => {
    expect(columnMeaning(text)).toBe(meaning);
  });

  it.each(['Name', 'Email usage', 'Last emailed', 'Email verified', 'Status', 'User type', ''])(
    'reads %j as neither',
    (text) => {
      expect(columnMeaning(text)).toBeUndefined();
    },
  );

  it('leaves out the hidden text of a sort link before reading the name (Moodle, WordPress)', () => {
    const moodle = element(
      '<th><a href="#" role="button">Email address<span class="accesshide">Sort by Email address Ascending</span></a></th>',
    );
    expect(headerMeaning(moodle)).toBe('email');
    const wordpress = element(
      '<th><a href="#"><span>Username</span><span class="sorting-indicators"><span aria-hidden="true"></span></span> <span class="screen-reader-text">Sort ascending.</span></a></th>',
    );
    expect(headerMeaning(wordpress)).toBe('username');
  });
});

describe('rows beyond tables', () => {
  it('reads an ARIA grid like a table, by aria-colindex, and not its header row', () => {
    expect(
      found(`<main><div role="grid">
        <div role="row"><div role="columnheader" aria-colindex="1">Name</div><div role="columnheader" aria-colindex="2">Login</div><div role="columnheader" aria-colindex="3">E-mail</div></div>
        <div role="row"><div><div role="gridcell" aria-colindex="1">Ann Berg</div><div role="gridcell" aria-colindex="2">aberg</div><div role="gridcell" aria-colindex="3">ann@mycompany.com</div></div></div>
        <div role="row"><div><div role="gridcell" aria-colindex="1">Carl Dunn</div><div role="gridcell" aria-colindex="3">carl@outsourcing.com</div><div role="gridcell" aria-colindex="2">cdunn</div></div></div>
      </div></main>`),
    ).toEqual([
      { username: 'aberg', email: 'ann@mycompany.com' },
      { username: 'cdunn', email: 'carl@outsourcing.com' },
    ]);
  });

  it('gives each repeated container holding one address one badge, and not the list header', () => {
    const accounts = found(`<main><div class="list">
      <div class="head"><span class="c c-name">Name</span><span class="c c-mail">Email</span></div>
      <div class="row"><span class="c c-name">Ann</span><span class="c c-mail">ann@mycompany.com</span></div>
      <div class="row selected"><span class="c c-name">Carl</span><span class="c c-mail">Carl &lt;carl@outsourcing.com&gt;</span></div>
      <div class="row"><span class="c c-name">Dee</span><span class="c c-mail">dee@gmail.com (unverified)</span></div>
    </div></main>`);
    expect(accounts).toEqual([
      { username: undefined, email: 'ann@mycompany.com' },
      { username: undefined, email: 'carl@outsourcing.com' },
      { username: undefined, email: 'dee@gmail.com' },
    ]);
  });

  it('takes the username a console puts in data-username, and the email shown in the same container', () => {
    expect(
      found(`<main><ul>
        <li class="member" data-username="ann"><span>Ann Berg</span> <span>ann@mycompany.com</span></li>
        <li class="member" data-username="carl"><span>Carl Dunn</span> <span>carl@outsourcing.com</span></li>
      </ul></main>`),
    ).toEqual([
      { username: 'ann', email: 'ann@mycompany.com' },
      { username: 'carl', email: 'carl@outsourcing.com' },
    ]);
  });

  it('badges an address standing alone as a value, not one inside a sentence', () => {
    expect(
      found(`<main><p>Owner: <span>olga@mycompany.com</span></p>
        <p>If anything looks wrong, write to helpdesk@mycompany.com and explain what you expected to see there.</p></main>`),
    ).toEqual([{ username: undefined, email: 'olga@mycompany.com' }]);
  });

  it('never reads the page chrome: banner, navigation, footer, and frames named so', () => {
    expect(
      found(`<div><header><span>Signed in as admin@mycompany.com</span></header>
        <nav><a href="mailto:it@mycompany.com">IT</a></nav>
        <div class="Footer"><a href="mailto:platform@mycompany.com">Contact your administrator</a></div>
        <main><article><header><span>ann@mycompany.com</span></header></article></main>
        <footer><a href="mailto:webmaster@mycompany.com">Webmaster</a></footer></div>`),
    ).toEqual([{ username: undefined, email: 'ann@mycompany.com' }]);
    expect(isPageChrome(element('<footer><p>x</p></footer>').firstElementChild as Element)).toBe(true);
  });

  it('never badges header or footer rows of a table (a tfoot repeating the header)', () => {
    expect(
      found(`<main><table>
        <thead><tr><td><input type="checkbox"></td><th>Username</th><th>Email</th></tr></thead>
        <tbody><tr><th scope="row"><input type="checkbox"></th><td>ann</td><td>ann@mycompany.com</td></tr></tbody>
        <tfoot><tr><td><input type="checkbox"></td><th>Username</th><th>Email</th></tr></tfoot>
      </table></main>`),
    ).toEqual([{ username: 'ann', email: 'ann@mycompany.com' }]);
  });
});
