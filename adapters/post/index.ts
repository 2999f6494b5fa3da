export type { LetterRecipient, LetterRequest, LetterSender, LetterStatus, PostalAddress, SentLetter } from './types';
export { PostHttpClient, recipientBody, type PostClientSettings } from './client';
export { PostSandbox, type PostSandboxOptions, type PostSandboxSteering, type RecordedLetter } from './sandbox';
