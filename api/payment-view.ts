/** A payment as the API shows it: the payments routes and the loan's payment list answer with it. */
import type { PaymentRow } from '../db/loan-repository';
import { z } from './zod';

export const paymentSchema = z
  .object({
    paymentId: z.string(),
    bankReference: z.string(),
    ocrReference: z.string(),
    amount: z.string(),
    paymentDate: z.string().describe('the value date: the day the customer paid, from the bank (R-PAY-1)'),
    bookingDate: z.string().nullable().describe('the day the payment was registered here'),
    status: z.enum(['RECEIVED', 'APPLIED', 'SUSPENSE']),
    loanId: z.string().nullable(),
    allocation: z.unknown().nullable(),
  })
  .openapi('Payment');

export function toPaymentView(p: PaymentRow): z.infer<typeof paymentSchema> {
  return {
    paymentId: p.id,
    bankReference: p.bank_reference,
    ocrReference: p.ocr_reference,
    amount: p.amount,
    paymentDate: p.payment_date,
    bookingDate: p.booking_date ?? null,
    status: p.status as 'RECEIVED' | 'APPLIED' | 'SUSPENSE',
    loanId: p.loan_id,
    allocation: p.allocation ?? null,
  };
}
