/** Email over SMTP (R-APP-3 links and reminders, R-APP-4 "submitted" mail to the vendor). */

export interface EmailMessage {
  /**
   * Determines the Message-ID (`<sha256(key)…@domain>`), so a retried send is recognisable as the
   * same message by the receiving side (the sandbox recorder de-duplicates on it).
   */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
}

export interface SentEmail {
  messageId: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<SentEmail>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}
