export * from './types';
export { PostHttpClient, recipientBody, type PostClientSettings } from './client';
export { PostSandbox, type PostSandboxOptions, type PostSandboxSteering, type RecordedLetter } from './sandbox';
