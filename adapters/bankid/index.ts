export * from './types';
export * from './errors';
export * from './qr';
export { BankIdHttpClient, BANKID_API_PATH, type BankIdClientSettings } from './client';
export { BankIdSandbox, type BankIdSandboxOptions, type BankIdSandboxSteering, type BankIdOrderView } from './sandbox';
