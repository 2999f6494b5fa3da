export type { EmailMessage, EmailSender, SentEmail } from './types';
export { SmtpEmailClient, emailError, messageIdFor, type EmailClientSettings } from './client';
export { SmtpSandbox, type EmailSandboxOptions, type EmailSandboxSteering, type RecordedEmail } from './sandbox';
