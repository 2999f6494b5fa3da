/**
 * A minimal MIME reader for the SMTP recorder (what `mailparser` would do, for the little the
 * sandbox needs): unfolded headers, RFC 2047 encoded words in headers, quoted-printable and base64
 * bodies, charsets utf-8/latin1 (and whatever TextDecoder knows), and multipart messages from
 * which the first text/plain and text/html parts are taken. Attachments are ignored.
 */

export interface ParsedMail {
  /** Lower-case header name → decoded values, in order. */
  headers: Map<string, string[]>;
  messageId?: string;
  subject: string;
  from?: string;
  to?: string;
  text?: string;
  html?: string;
}

interface ContentType {
  type: string;
  params: Record<string, string>;
}

export function parseMail(raw: Buffer | string): ParsedMail {
  const buffer = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const { headers, body } = splitEntity(buffer);
  const mail: ParsedMail = { headers, subject: first(headers, 'subject') ?? '' };
  const messageId = first(headers, 'message-id');
  if (messageId) mail.messageId = messageId.trim();
  const from = first(headers, 'from');
  if (from) mail.from = from;
  const to = first(headers, 'to');
  if (to) mail.to = to;
  // SMTP bodies end with a line break (nodemailer adds one when the text has none); it is not text.
  const single = !parseContentType(first(headers, 'content-type')).type.startsWith('multipart/');
  collectParts(headers, single ? stripFinalLineBreak(body) : body, mail);
  return mail;
}

function stripFinalLineBreak(body: Buffer): Buffer {
  if (body.length >= 2 && body[body.length - 2] === 0x0d && body[body.length - 1] === 0x0a) return body.subarray(0, -2);
  if (body.length >= 1 && body[body.length - 1] === 0x0a) return body.subarray(0, -1);
  return body;
}

function first(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

/** Splits one MIME entity into decoded headers and the raw body. */
function splitEntity(buffer: Buffer): { headers: Map<string, string[]>; body: Buffer } {
  const text = buffer.toString('latin1'); // byte-preserving: offsets match the buffer
  const match = /\r?\n\r?\n/.exec(text);
  const headerText = match ? text.slice(0, match.index) : text;
  const body = match ? buffer.subarray(match.index + match[0].length) : Buffer.alloc(0);
  const headers = new Map<string, string[]>();
  const lines = headerText.split(/\r?\n/);
  const unfolded: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && unfolded.length > 0) unfolded[unfolded.length - 1] += line;
    else if (line.length > 0) unfolded.push(line);
  }
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Raw header bytes are UTF-8 when not encoded-word (SMTPUTF8); re-read them as such.
    const value = decodeWords(Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8'));
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { headers, body };
}

function parseContentType(value: string | undefined): ContentType {
  if (!value) return { type: 'text/plain', params: { charset: 'us-ascii' } };
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    params[key] = val;
  }
  return { type: (type ?? '').trim().toLowerCase(), params };
}

function collectParts(headers: Map<string, string[]>, body: Buffer, mail: ParsedMail): void {
  const contentType = parseContentType(first(headers, 'content-type'));
  if (contentType.type.startsWith('multipart/')) {
    const boundary = contentType.params.boundary;
    if (!boundary) return;
    for (const part of splitMultipart(body, boundary)) {
      const entity = splitEntity(part);
      collectParts(entity.headers, entity.body, mail);
    }
    return;
  }
  if (/^attachment/i.test(first(headers, 'content-disposition') ?? '')) return;
  const content = decodeBody(body, first(headers, 'content-transfer-encoding'), contentType.params.charset);
  if (contentType.type === 'text/plain' && mail.text === undefined) mail.text = content;
  else if (contentType.type === 'text/html' && mail.html === undefined) mail.html = content;
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let index = text.indexOf(delimiter);
  while (index >= 0) {
    const afterDelimiter = index + delimiter.length;
    if (text.startsWith('--', afterDelimiter)) break; // closing delimiter
    const start = text.indexOf('\n', afterDelimiter) + 1;
    if (start === 0) break;
    const next = text.indexOf(`\n${delimiter}`, start);
    if (next < 0) break;
    const end = text[next - 1] === '\r' ? next - 1 : next;
    parts.push(body.subarray(start, end));
    index = next + 1;
  }
  return parts;
}

function decodeBody(body: Buffer, transferEncoding: string | undefined, charset: string | undefined): string {
  const encoding = (transferEncoding ?? '7bit').trim().toLowerCase();
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64');
  else if (encoding === 'quoted-printable') bytes = decodeQuotedPrintable(body.toString('latin1'));
  else bytes = body;
  return decodeCharset(bytes, charset).replace(/\r\n/g, '\n');
}

export function decodeQuotedPrintable(text: string): Buffer {
  const withoutSoftBreaks = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < withoutSoftBreaks.length; i++) {
    const ch = withoutSoftBreaks[i]!;
    const hex = withoutSoftBreaks.slice(i + 1, i + 3);
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(ch.charCodeAt(0) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const name = (charset ?? 'utf-8').trim().toLowerCase();
  if (name === 'utf-8' || name === 'utf8' || name === 'us-ascii' || name === 'ascii') return bytes.toString('utf8');
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'windows-1252') return bytes.toString('latin1');
  try {
    return new TextDecoder(name).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/** Decodes RFC 2047 encoded words; whitespace between two adjacent encoded words is dropped. */
export function decodeWords(value: string): string {
  const joined = value.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g, '$1');
  // Adjacent words of one charset are decoded together: a multi-byte character may be split.
  return joined.replace(/(?:=\?([^?\s]+)\?([BbQq])\?[^?\s]*\?=)+/g, (run) => {
    const chunks: { charset: string; bytes: Buffer }[] = [];
    for (const m of run.matchAll(ENCODED_WORD)) {
      const charset = m[1]!.split('*')[0]!.toLowerCase();
      const bytes =
        m[2]!.toUpperCase() === 'B' ? Buffer.from(m[3]!, 'base64') : decodeQuotedPrintable(m[3]!.replace(/_/g, ' '));
      const last = chunks[chunks.length - 1];
      if (last && last.charset === charset) last.bytes = Buffer.concat([last.bytes, bytes]);
      else chunks.push({ charset, bytes });
    }
    return chunks.map((c) => decodeCharset(c.bytes, c.charset)).join('');
  });
}

/** The bare addresses of an address header ("A <a@x>, b@y" → ["a@x", "b@y"]). */
export function addressesOf(header: string | undefined): string[] {
  if (!header) return [];
  const angled = [...header.matchAll(/<([^<>\s]+@[^<>\s]+)>/g)].map((m) => m[1]!);
  if (angled.length > 0) return angled;
  return [...header.matchAll(/[^\s,;<>"]+@[^\s,;<>"]+/g)].map((m) => m[0]);
}
