/**
 * R-PAY-2: what a bank file's payment records become. Each payment record is registered as a
 * single payment is (matched by its OCR reference, or to the suspense list); a record that is not
 * a payment the engine can take is refused, with the reason, for an operator to settle with the
 * bank. Pure: the parsed file comes in (adapters/bankgirot), the plan goes out.
 */
import type { IsoDate } from './dates';
import { Decimal } from './money';

/** A payment record as the bank file gives it (adapters/bankgirot/bgmax.ts BgMaxPayment). */
export interface FilePaymentRecord {
  line: number;
  kind: 'payment' | 'deduction';
  reference: string;
  amount: string;
  paymentDate: IsoDate;
  bgcSerial: string;
}

export interface PlannedPayment {
  line: number;
  /** Unique per payment at the bank: Bankgirot's serial number (a repeat registers nothing new). */
  bankReference: string;
  /** Digits matched against loans, invoices and collection cases; empty when the payer gave none. */
  ocrReference: string;
  amount: string;
  paymentDate: IsoDate;
}

export interface RefusedRecord {
  line: number;
  amount: string;
  reason: string;
}

/** An OCR reference as POST /v1/payments takes it: 2–25 digits. */
const OCR_SHAPE = /^\d{2,25}$/;

export function planFilePayments(
  fileTimestamp: string,
  records: readonly FilePaymentRecord[],
): { payments: PlannedPayment[]; refused: RefusedRecord[] } {
  const payments: PlannedPayment[] = [];
  const refused: RefusedRecord[] = [];
  for (const r of records) {
    if (r.kind === 'deduction') {
      refused.push({ line: r.line, amount: r.amount, reason: 'a deduction is not a payment: settle it with the bank' });
      continue;
    }
    if (!new Decimal(r.amount).greaterThan(0)) {
      refused.push({ line: r.line, amount: r.amount, reason: 'a payment of 0.00 registers nothing' });
      continue;
    }
    const reference = r.reference.replace(/\s+/g, '');
    payments.push({
      line: r.line,
      bankReference: /^0+$/.test(r.bgcSerial) ? `BGMAX-${fileTimestamp}-${r.line}` : `BGC-${r.bgcSerial}`,
      ocrReference: OCR_SHAPE.test(reference) ? reference : '',
      amount: r.amount,
      paymentDate: r.paymentDate,
    });
  }
  return { payments, refused };
}
