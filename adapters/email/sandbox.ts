/**
 * The SMTP double: a real local SMTP server (the `smtp-server` package) that records what it
 * receives instead of delivering it, so the real nodemailer client is exercised end to end.
 * Plain SMTP on 127.0.0.1 (no STARTTLS); with `auth` it requires AUTH PLAIN/LOGIN.
 *
 * De-duplication: a message whose Message-ID was seen before is accepted (250, as a mail server
 * would) but not recorded again; the recorded message counts its `deliveries`.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { systemClock, type Clock } from '../shared/clock';
import { parseMail } from './mime';

export interface RecordedEmail {
  messageId: string;
  /** Envelope sender. */
  from: string;
  /** Envelope recipients. */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  receivedAt: string;
  /** How many times a message with this Message-ID arrived (retries included). */
  deliveries: number;
}

export interface EmailSandboxSteering {
  /** Messages received (one per Message-ID), oldest first; `to` filters by envelope recipient. */
  listMessages(filter?: { to?: string }): Promise<RecordedEmail[]>;
}

export interface EmailSandboxOptions {
  clock?: Clock;
  /** When set, clients must authenticate with these credentials. */
  auth?: { user: string; pass: string };
  host?: string;
  port?: number;
}

export class SmtpSandbox implements EmailSandboxSteering {
  private readonly messages: RecordedEmail[] = [];
  private readonly byMessageId = new Map<string, RecordedEmail>();
  private readonly clock: Clock;
  private server?: SMTPServer;
  private address?: { host: string; port: number };

  private constructor(options: EmailSandboxOptions) {
    this.clock = options.clock ?? systemClock;
  }

  static async start(options: EmailSandboxOptions = {}): Promise<SmtpSandbox> {
    const sandbox = new SmtpSandbox(options);
    const credentials = options.auth;
    const server = new SMTPServer({
      secure: false,
      logger: false,
      banner: 'loan-engine sandbox SMTP recorder',
      disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !credentials,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: 10 * 1024 * 1024,
      onAuth(auth, _session, callback) {
        if (credentials && auth.username === credentials.user && auth.password === credentials.pass) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (err) => callback(err));
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
            return;
          }
          try {
            sandbox.record(Buffer.concat(chunks), session.envelope);
            callback();
          } catch (err) {
            callback(err as Error);
          }
        });
      },
    });
    server.on('error', () => {
      // Connection-level errors (a client hanging up) are not the recorder's concern.
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    sandbox.server = server;
    sandbox.address = { host, port: (server.server.address() as AddressInfo).port };
    return sandbox;
  }

  get host(): string {
    if (!this.address) throw new Error('smtp sandbox not started');
    return this.address.host;
  }

  get port(): number {
    if (!this.address) throw new Error('smtp sandbox not started');
    return this.address.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private record(
    raw: Buffer,
    envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] },
  ): void {
    const mail = parseMail(raw);
    const messageId = mail.messageId ?? `<no-message-id-${this.messages.length + 1}@sandbox>`;
    const known = this.byMessageId.get(messageId);
    if (known) {
      known.deliveries += 1;
      return;
    }
    const recorded: RecordedEmail = {
      messageId,
      from: envelope.mailFrom ? envelope.mailFrom.address : '',
      to: envelope.rcptTo.map((r) => r.address),
      subject: mail.subject,
      text: mail.text ?? '',
      receivedAt: this.clock().toISOString(),
      deliveries: 1,
    };
    if (mail.html !== undefined) recorded.html = mail.html;
    this.messages.push(recorded);
    this.byMessageId.set(messageId, recorded);
  }

  async listMessages(filter: { to?: string } = {}): Promise<RecordedEmail[]> {
    const wanted = filter.to?.toLowerCase();
    return this.messages
      .filter((m) => wanted === undefined || m.to.some((t) => t.toLowerCase() === wanted))
      .map((m) => ({ ...m, to: [...m.to] }));
  }
}
