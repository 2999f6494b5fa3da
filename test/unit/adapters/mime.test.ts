/**
 * The SMTP recorder's MIME reader against messages built by nodemailer's own composer (the
 * bytes the real client puts on the wire), plus hand-written encodings.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { addressesOf, decodeQuotedPrintable, decodeWords, parseMail } from '../../../adapters/email/mime';

async function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

describe('parseMail', () => {
  it('reads subject, text and Message-ID of a nodemailer message with non-ASCII text', async () => {
    const text = `Hej Åsa!\n\n${'Räntan är 9,87 % och månadsbeloppet 1 234,50 kr. '.repeat(6)}\n\nHälsningar`;
    const raw = await compose({
      from: '"Lånemotorn" <no-reply@example.com>',
      to: 'Åsa Öberg <asa@example.com>',
      subject: 'Erbjudande – låneansökan 2026-0042 är godkänd ✓',
      text,
      messageId: '<abc123@example.com>',
    });
    const mail = parseMail(raw);
    expect(mail.subject).toBe('Erbjudande – låneansökan 2026-0042 är godkänd ✓');
    expect(mail.text).toBe(text);
    expect(mail.html).toBeUndefined();
    expect(mail.messageId).toBe('<abc123@example.com>');
    expect(addressesOf(mail.to)).toEqual(['asa@example.com']);
    expect(mail.to).toContain('Åsa Öberg');
  });

  it('takes text and html from multipart/alternative and ignores attachments', async () => {
    const raw = await compose({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'Plain ASCII subject',
      text: 'plain part',
      html: '<p>html del med å</p>',
      attachments: [{ filename: 'avtal.txt', content: 'attachment body' }],
    });
    const mail = parseMail(raw);
    expect(mail.subject).toBe('Plain ASCII subject');
    expect(mail.text).toBe('plain part');
    expect(mail.html).toBe('<p>html del med å</p>');
  });

  it('decodes a base64 body and a latin1 charset', () => {
    const body = Buffer.from('Gröna lån', 'latin1').toString('base64');
    const raw = [
      'Subject: =?ISO-8859-1?Q?Gr=F6n?=',
      'Content-Type: text/plain; charset="iso-8859-1"',
      'Content-Transfer-Encoding: base64',
      '',
      body,
      '',
    ].join('\r\n');
    const mail = parseMail(raw);
    expect(mail.subject).toBe('Grön');
    expect(mail.text).toBe('Gröna lån');
  });

  it('unfolds folded headers', () => {
    const mail = parseMail('Subject: a long\r\n  folded subject\r\n\r\nbody');
    expect(mail.subject).toBe('a long  folded subject');
    expect(mail.text).toBe('body');
  });
});

describe('decodeWords', () => {
  it('decodes B and Q words and joins adjacent ones, even across a split character', () => {
    const euro = Buffer.from('€', 'utf8'); // three bytes, split across two words
    const a = `=?UTF-8?B?${euro.subarray(0, 1).toString('base64')}?=`;
    const b = `=?UTF-8?B?${euro.subarray(1).toString('base64')}?=`;
    expect(decodeWords(`${a} ${b} 100`)).toBe('€ 100');
    expect(decodeWords('=?utf-8?Q?l=C3=A5n_och_r=C3=A4nta?=')).toBe('lån och ränta');
    expect(decodeWords('no encoded words here')).toBe('no encoded words here');
  });
});

describe('decodeQuotedPrintable', () => {
  it('removes soft line breaks and decodes escapes', () => {
    expect(decodeQuotedPrintable('l=C3=A5=\r\nn =3D ok').toString('utf8')).toBe('lån = ok');
  });
});

describe('addressesOf', () => {
  it('extracts bare addresses', () => {
    expect(addressesOf('"A, B" <a@x.se>, c@y.se')).toEqual(['a@x.se']);
    expect(addressesOf('c@y.se, d@z.se')).toEqual(['c@y.se', 'd@z.se']);
    expect(addressesOf(undefined)).toEqual([]);
  });
});
