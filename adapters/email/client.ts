/**
 * The real email client: SMTP through nodemailer (submission on 587 with STARTTLS, or implicit
 * TLS on 465 with `secure: true`). The Message-ID is derived from the idempotency key, so a
 * retried send carries the same Message-ID and is recognisable as the same message. Connections
 * are pooled: a message costs MAIL, RCPT and DATA on an open, authenticated connection rather than
 * a connect, a TLS handshake, EHLO and AUTH of its own (a worker sends one or more per
 * application).
 */
import { createHash } from 'node:crypto';
import type tls from 'node:tls';
import { createTransport } from 'nodemailer';
import type { Logger } from '../../platform/logger';
import { AdapterError } from '../shared/errors';
import { assertIdempotencyKey } from '../shared/idempotency';
import type { EmailMessage, EmailSender, SentEmail } from './types';

export interface EmailClientSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds (set in production on port 587). */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  /** Sender, e.g. `"Lånemotorn" <no-reply@example.com>`. */
  from: string;
  /** Right-hand side of generated Message-IDs; default: the domain of `from`. */
  messageIdDomain?: string;
  tls?: tls.ConnectionOptions;
  /** Default 10 s each. */
  connectionTimeoutMs?: number;
  /** Open connections kept to the server. Default 5 (nodemailer's; each sends up to 100 messages). */
  maxConnections?: number;
  socketTimeoutMs?: number;
  logger?: Logger;
}

/** `<hash@domain>` from the idempotency key: stable across retries, reveals nothing. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

function domainOf(from: string): string {
  const match = /@([^\s>]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'localhost';
}

export class SmtpEmailClient implements EmailSender {
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly from: string;
  private readonly messageIdDomain: string;
  private readonly logger?: Logger;

  constructor(settings: EmailClientSettings) {
    this.transport = createTransport({
      pool: true,
      maxConnections: settings.maxConnections ?? 5,
      host: settings.host,
      port: settings.port,
      secure: settings.secure ?? false,
      requireTLS: settings.requireTLS ?? false,
      auth: settings.auth ? { user: settings.auth.user, pass: settings.auth.pass } : undefined,
      tls: settings.tls,
      connectionTimeout: settings.connectionTimeoutMs ?? 10_000,
      greetingTimeout: settings.connectionTimeoutMs ?? 10_000,
      socketTimeout: settings.socketTimeoutMs ?? 10_000,
      logger: false,
    });
    this.from = settings.from;
    this.messageIdDomain = settings.messageIdDomain ?? domainOf(settings.from);
    this.logger = settings.logger;
  }

  async send(message: EmailMessage): Promise<SentEmail> {
    assertIdempotencyKey('email', 'send', message.idempotencyKey);
    const messageId = messageIdFor(message.idempotencyKey, this.messageIdDomain);
    const started = process.hrtime.bigint();
    try {
      await this.transport.sendMail({
        from: this.from,
        to: message.to,
        replyTo: message.replyTo,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
      });
    } catch (err) {
      throw emailError(err);
    }
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    this.logger?.debug({ system: 'email', operation: 'send', durationMs }, 'adapter call');
    return { messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNRESET']);

/**
 * nodemailer's errors quote the server's reply, which may contain the recipient address: only the
 * error code and the SMTP status code go into our message, and the original is not kept as cause.
 */
export function emailError(err: unknown): AdapterError {
  const { code, responseCode } = (err ?? {}) as { code?: unknown; responseCode?: unknown };
  const smtpStatus = typeof responseCode === 'number' ? responseCode : undefined;
  const nodemailerCode = typeof code === 'string' ? code : undefined;
  const suffix = `${nodemailerCode ?? 'error'}${smtpStatus ? ` (SMTP ${smtpStatus})` : ''}`;
  if (nodemailerCode === 'EAUTH')
    return new AdapterError('email', 'auth', false, `email send: authentication failed: ${suffix}`);
  if (nodemailerCode === 'EMESSAGE')
    return new AdapterError('email', 'invalid_message', false, `email send: ${suffix}`);
  if (smtpStatus !== undefined && smtpStatus >= 500) {
    return new AdapterError('email', 'rejected', false, `email send: rejected by the server: ${suffix}`);
  }
  if (smtpStatus !== undefined && smtpStatus >= 400) {
    return new AdapterError('email', 'deferred', true, `email send: temporarily refused: ${suffix}`);
  }
  if (nodemailerCode === 'EENVELOPE')
    return new AdapterError('email', 'invalid_message', false, `email send: ${suffix}`);
  const kind = nodemailerCode && CONNECTION_CODES.has(nodemailerCode) ? 'connection' : 'transport';
  return new AdapterError('email', kind, true, `email send: ${suffix}`);
}
