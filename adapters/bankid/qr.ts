/**
 * Secure start helpers (RP guidelines): the animated QR code's content and the autostart link.
 * The QR content changes every second: `bankid.<qrStartToken>.<seconds>.<qrAuthCode>` where
 * qrAuthCode = HMAC-SHA256(key = qrStartSecret, message = seconds since the order was started).
 */
import { createHmac } from 'node:crypto';

export function qrAuthCode(qrStartSecret: string, secondsSinceOrder: number): string {
  return createHmac('sha256', qrStartSecret)
    .update(String(Math.floor(secondsSinceOrder)))
    .digest('hex');
}

export function qrCodeContent(qrStartToken: string, qrStartSecret: string, secondsSinceOrder: number): string {
  const seconds = Math.max(0, Math.floor(secondsSinceOrder));
  return `bankid.${qrStartToken}.${seconds}.${qrAuthCode(qrStartSecret, seconds)}`;
}

/** Link that starts the BankID app on the same device; `redirect=null` unless a return URL is used. */
export function autoStartLink(autoStartToken: string, redirect?: string): string {
  const params = new URLSearchParams({ autostarttoken: autoStartToken, redirect: redirect ?? 'null' });
  return `https://app.bankid.com/?${params.toString()}`;
}
