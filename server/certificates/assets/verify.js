// Checks a digital credential in the visitor's browser, as any verifier would: the signature against the key its `kid`
// names (fetched from this server), the bit of its revocation status list, its expiry. Takes a pasted .jwt or a badge
// PNG with the credential baked in (the iTXt chunk "openbadgecredential"). Nothing is sent anywhere but key and list
// requests to this server.
(() => {
  const form = document.getElementById('credential-check');
  const result = document.getElementById('credential-check-result');
  if (!form || !result) return;
  const messages = JSON.parse(form.dataset.messages || '{}');
  const locale = form.dataset.locale || 'en';
  const say = (text, values = {}) => text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');

  class Verdict extends Error {
    constructor(kind, values) {
      super(kind);
      this.kind = kind;
      this.values = values || {};
    }
  }

  const fromBase64Url = (text) => {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  };
  const json = (bytes) => JSON.parse(new TextDecoder().decode(bytes));

  function parseJwt(text) {
    const parts = text.trim().split('.');
    if (parts.length !== 3) throw new Verdict('unreadable');
    try {
      return { header: json(fromBase64Url(parts[0])), payload: json(fromBase64Url(parts[1])), parts };
    } catch {
      throw new Verdict('unreadable');
    }
  }

  /** The credential baked into a PNG: the text of the first uncompressed iTXt chunk "openbadgecredential". */
  function bakedCredential(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (!signature.every((b, i) => bytes[i] === b)) throw new Verdict('unreadable');
    let at = 8;
    while (at + 8 <= bytes.length) {
      const length = view.getUint32(at);
      const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
      const data = bytes.subarray(at + 8, at + 8 + length);
      if (type === 'iTXt') {
        const keywordEnd = data.indexOf(0);
        const keyword = String.fromCharCode(...data.subarray(0, keywordEnd));
        if (keyword === 'openbadgecredential' && data[keywordEnd + 1] === 0) {
          const languageEnd = data.indexOf(0, keywordEnd + 3);
          const translatedEnd = data.indexOf(0, languageEnd + 1);
          return new TextDecoder().decode(data.subarray(translatedEnd + 1));
        }
      }
      if (type === 'IEND') break;
      at += 12 + length;
    }
    throw new Verdict('noBadge');
  }

  const ALGORITHMS = {
    RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
    EdDSA: { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
  };

  /** A JWT whose key (its `kid`, a URL on this server) is fetched and whose signature is checked. */
  async function verifiedJwt(text, issuerName) {
    const jwt = parseJwt(text);
    const kid = String(jwt.header.kid || '');
    let keyUrl;
    try {
      keyUrl = new URL(kid);
    } catch {
      throw new Verdict('unreadable');
    }
    if (keyUrl.origin !== location.origin) throw new Verdict('otherIssuer', { issuer: issuerName || keyUrl.host });
    const algorithm = ALGORITHMS[jwt.header.alg];
    if (!algorithm) throw new Verdict('unsupported', { alg: String(jwt.header.alg) });
    const response = await fetch(keyUrl, { headers: { accept: 'application/jwk+json' } });
    if (!response.ok) throw new Verdict('badSignature');
    let key;
    try {
      key = await crypto.subtle.importKey('jwk', await response.json(), algorithm.import, false, ['verify']);
    } catch {
      throw new Verdict('unsupported', { alg: jwt.header.alg });
    }
    const signed = new TextEncoder().encode(`${jwt.parts[0]}.${jwt.parts[1]}`);
    const valid = await crypto.subtle.verify(algorithm.verify, key, fromBase64Url(jwt.parts[2]), signed);
    if (!valid) throw new Verdict('badSignature');
    return jwt.payload;
  }

  /** Whether the credential's bit is set in its (signed) Bitstring Status List. */
  async function revoked(credential) {
    const status = credential.credentialStatus;
    if (status?.type !== 'BitstringStatusListEntry') return false;
    const listUrl = new URL(status.statusListCredential);
    if (listUrl.origin !== location.origin) throw new Verdict('otherIssuer', { issuer: listUrl.host });
    const response = await fetch(listUrl);
    if (!response.ok) throw new Verdict('unreadable');
    const list = await verifiedJwt(await response.text());
    const encoded = String(list.credentialSubject.encodedList);
    const gzipped = fromBase64Url(encoded.slice(1));
    const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
    const bits = new Uint8Array(await new Response(stream).arrayBuffer());
    const index = Number(status.statusListIndex);
    return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
  }

  function show(kind, values, credential) {
    result.replaceChildren();
    result.className = `check-result check-${kind}`;
    const verdict = document.createElement('p');
    verdict.textContent = say(messages[kind] || messages.unreadable, values);
    result.append(verdict);
    const subject = credential?.credentialSubject;
    if (!subject) return;
    const details = document.createElement('dl');
    const add = (label, value) => {
      if (!value) return;
      const term = document.createElement('dt');
      term.textContent = label;
      const description = document.createElement('dd');
      description.textContent = value;
      details.append(term, description);
    };
    add(messages.holder, subject.name);
    add(messages.exam, subject.achievement?.name);
    add(messages.issuer, credential.issuer?.name);
    result.append(details);
  }

  async function check(text) {
    const unverified = parseJwt(text).payload;
    const credential = await verifiedJwt(text, unverified.issuer?.name);
    if (await revoked(credential)) return show('revoked', {}, credential);
    const until = credential.validUntil ? new Date(credential.validUntil) : null;
    if (until && until.getTime() <= Date.now()) {
      const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(until);
      return show('expired', { date }, credential);
    }
    show('valid', {}, credential);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.className = 'check-result';
    result.textContent = messages.checking;
    try {
      const file = form.elements.file.files[0];
      let text = form.elements.jwt.value;
      if (file) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        text = bytes[0] === 0x89 ? bakedCredential(bytes) : new TextDecoder().decode(bytes);
      }
      if (!text.trim()) throw new Verdict('unreadable');
      await check(text.trim());
    } catch (error) {
      show(error instanceof Verdict ? error.kind : 'unreadable', error instanceof Verdict ? error.values : {});
    }
  });
})();
