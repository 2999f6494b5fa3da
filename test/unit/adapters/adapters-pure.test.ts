/** The adapters' pure parts: BankID QR codes, phone normalisation, idempotency, error mapping. */
import { BankIdError, autoStartLink, qrAuthCode, qrCodeContent } from '../../../adapters/bankid';
import { emailError, messageIdFor } from '../../../adapters/email';
import { IdempotencyConflictError, RemoteServiceError } from '../../../adapters/shared/errors';
import { remoteError } from '../../../adapters/shared/http-client';
import { IdempotencyStore, canonicalJson, isValidIdempotencyKey } from '../../../adapters/shared/idempotency';

describe('BankID secure start', () => {
  // The test vector of BankID's QR code documentation.
  const token = '67df3917-fa0d-44e5-b327-edcc928297f8';
  const secret = 'd28db9a7-4cde-429e-a983-359be676944c';

  it('computes qrAuthCode as HMAC-SHA256 of the seconds with the secret', () => {
    expect(qrAuthCode(secret, 0)).toBe('dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8');
    expect(qrAuthCode(secret, 1)).toBe('949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2');
    expect(qrAuthCode(secret, 2)).toBe('a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3');
  });

  it('builds the QR content and the autostart link', () => {
    expect(qrCodeContent(token, secret, 1.7)).toBe(
      `bankid.${token}.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2`,
    );
    expect(autoStartLink(token)).toBe(`https://app.bankid.com/?autostarttoken=${token}&redirect=null`);
  });
});

describe('idempotency', () => {
  it('compares requests by canonical JSON, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    const store = new IdempotencyStore<string>();
    expect(store.lookup('k', { a: 1, b: 2 })).toEqual({ kind: 'new' });
    store.remember('k', { a: 1, b: 2 }, 'first');
    expect(store.lookup('k', { b: 2, a: 1 })).toEqual({ kind: 'replay', value: 'first' });
    expect(store.lookup('k', { a: 1, b: 3 })).toEqual({ kind: 'conflict' });
  });

  it('accepts 1–255 printable ASCII characters as a key', () => {
    expect(isValidIdempotencyKey('loan-123:invoice:7')).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('å')).toBe(false);
    expect(isValidIdempotencyKey('x'.repeat(256))).toBe(false);
    expect(isValidIdempotencyKey(undefined)).toBe(false);
  });

  it('derives a stable Message-ID that reveals nothing of the key', () => {
    const id = messageIdFor('application-A1:email:link', 'example.com');
    expect(id).toMatch(/^<[0-9a-f]{40}@example\.com>$/);
    expect(messageIdFor('application-A1:email:link', 'example.com')).toBe(id);
    expect(messageIdFor('application-A1:email:reminder', 'example.com')).not.toBe(id);
  });
});

describe('error mapping', () => {
  const res = (status: number, body?: unknown) => ({ status, headers: {}, body });

  it('maps JSON error answers to typed errors with retryability from the status', () => {
    expect(remoteError('bank-payout', 'payout', res(409, { error: 'idempotency_conflict' }))).toBeInstanceOf(
      IdempotencyConflictError,
    );
    const unavailable = remoteError('bureau', 'lookup', res(503));
    expect(unavailable).toBeInstanceOf(RemoteServiceError);
    expect(unavailable).toMatchObject({ code: 'server_error', retryable: true, httpStatus: 503 });
    expect(remoteError('sms', 'send', res(429))).toMatchObject({ code: 'too_many_requests', retryable: true });
    expect(remoteError('sms', 'send', res(422, { error: 'invalid_recipient' }))).toMatchObject({ retryable: false });
  });

  it('masks personal data in remote free text', () => {
    const err = remoteError(
      'bureau',
      'lookup',
      res(422, { error: 'x', message: 'person 198112289874 / a@b.se not found' }),
    );
    expect(err.message).not.toContain('198112289874');
    expect(err.message).not.toContain('a@b.se');
  });

  it('retries the BankID errors that are worth retrying', () => {
    expect(new BankIdError('alreadyInProgress', '', 'auth', 400).retryable).toBe(true);
    expect(new BankIdError('maintenance', '', 'auth', 503).retryable).toBe(true);
    expect(new BankIdError('invalidParameters', '', 'collect', 400).retryable).toBe(false);
    expect(new BankIdError('unauthorized', '', 'auth', 401).retryable).toBe(false);
  });

  it('maps nodemailer errors without their text (which quotes addresses)', () => {
    const rejected = emailError(
      Object.assign(new Error("Can't send mail - all recipients were rejected: 550 <x@y.se>"), {
        code: 'EENVELOPE',
        responseCode: 550,
      }),
    );
    expect(rejected).toMatchObject({ code: 'rejected', retryable: false });
    expect(rejected.message).not.toContain('x@y.se');
    expect(emailError(Object.assign(new Error('451'), { code: 'EENVELOPE', responseCode: 451 }))).toMatchObject({
      code: 'deferred',
      retryable: true,
    });
    expect(emailError(Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toMatchObject({
      code: 'connection',
      retryable: true,
    });
  });
});
