/**
 * R-PROD-2, R-PAY-3 on the time-skipping server: an application that chose the notice channel
 * autogiro gives its loan a mandate at signing — the payout account the applicant stated, the
 * applicant as payer, covered by the offer's BankID signature — registered at the direct-debit
 * service when the loan opens, so the first invoice is drawn on its due date. R-LOAN-11: the
 * customer gets a mailbox notice (with the new-mail SMS) when the mandate becomes active, when a
 * draw is refused (pay it yourself, to the invoice's OCR) and when the mandate is cancelled.
 */
import { listDrawsOfLoan, listMandatesOfLoan } from '../../db/direct-debit-repository';
import { findInvoice, findLoan } from '../../db/loan-repository';
import { listMailboxMessages } from '../../db/mailbox-repository';
import { addDays, type IsoDate } from '../../domain/dates';
import { installmentDueDate } from '../../domain/schedule';
import { cancelDirectDebitMandateWorkflow } from '../../workflows/direct-debit-mandate';
import { mandateCancelWorkflowId } from '../../workflows/direct-debit-messages';
import { loanWorkflowId } from '../../workflows/loan-messages';
import { expectLedgerBalanced } from '../support/ledger';
import {
  type ApplicationTestEnv,
  applicationInput,
  goodAnswers,
  newPerson,
  recordHistory,
  startApplicationTestEnv,
  waitFor,
} from '../support/application';

describe('autogiro chosen in the application (R-PROD-2, R-PAY-3)', () => {
  let t: ApplicationTestEnv;
  beforeAll(async () => {
    t = await startApplicationTestEnv();
  });
  afterEach(async () => t.cleanUp());
  afterAll(async () => t?.stop());

  async function sleepUntil(date: IsoDate): Promise<void> {
    const target = Date.parse(`${date}T11:00:00Z`);
    const now = await t.env.currentTimeMs();
    if (target > now) await t.env.sleep(target - now);
  }

  const kinds = async (customerId: string) =>
    (await listMailboxMessages(t.db, customerId)).filter((m) => m.kind.startsWith('direct-debit'));

  it('R-PAY-3: the mandate given at signing is active when the loan opens; the first invoice is drawn; a refusal and a cancellation are told', async () => {
    const person = newPerson();
    await t.atBureau(person);
    const input = { ...applicationInput({ applicants: [person] }), noticeChannel: 'autogiro' as const };
    const customer = input.creatorCustomerId!;
    const answers = goodAnswers();
    const h = await t.start(input);
    await t.identify(h, 0, customer);
    await t.submit(h, 0, customer, answers);
    await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    await t.sign(h, 0, customer); // the only BankID signature: the offer's
    const outcome = await t.closed(h);
    expect(outcome.status).toBe('PAID_OUT');
    await recordHistory(t.client, h.workflowId, 'application-autogiro-mandate-at-signing');
    const loanId = outcome.loanId!;
    const loanHandle = t.client.workflow.getHandle(loanWorkflowId(loanId));
    try {
      // The mandate: the stated payout account, the applicant as payer, registered and ACTIVE.
      const [mandate] = await waitFor(
        () => listMandatesOfLoan(t.db, loanId),
        (rows) => rows.some((m) => m.status === 'ACTIVE'),
        'the mandate to be active',
      );
      expect(mandate).toMatchObject({
        status: 'ACTIVE',
        customer_id: customer,
        case_id: null,
        clearing_number: answers.payoutAccount!.clearingNumber,
        account_number: answers.payoutAccount!.accountNumber,
        payer_personnummer: person.personnummer,
        bankid_order_ref: null, // no BankID order of its own
      });
      expect(mandate!.provider_mandate_id).toBeTruthy();
      expect(mandate!.signature).toMatch(/^bankid-offer-signature:.+/);
      const active = await waitFor(
        () => kinds(customer),
        (ms) => ms.some((m) => m.kind === 'direct-debit-mandate-active' && m.notified_at !== null),
        'the mandate-active notice',
      );
      const activeNotice = active.find((m) => m.kind === 'direct-debit-mandate-active')!;
      expect(activeNotice.loan_id).toBe(loanId);
      expect(activeNotice.body).toContain('skrev under låneavtalet');
      expect(activeNotice.body).not.toContain(answers.payoutAccount!.accountNumber); // masked
      expect(activeNotice.body).not.toMatch(/R-[A-Z]+-\d/);

      // The first invoice is drawn on its due date, through the payment path.
      const loan = (await findLoan(t.db, loanId))!;
      const due1 = installmentDueDate(loan.payout_date, 1);
      await sleepUntil(addDays(due1, 1));
      const [draw1] = await waitFor(
        () => listDrawsOfLoan(t.db, loanId),
        (ds) => ds.some((d) => d.status === 'PAID'),
        'the first draw',
      );
      expect(draw1).toMatchObject({ invoice_number: 1, status: 'PAID', due_date: due1, mandate_id: mandate!.id });
      expect(await findInvoice(t.db, loanId, 1)).toMatchObject({ status: 'PAID', paid_date: due1 });
      const atBank = await t.sandbox.sandbox.directDebit.listDraws({ mandate: mandate!.id });
      expect(atBank.map((d) => d.idempotencyKey)).toEqual([`loan-${loanId}:autogiro:1`]);

      // The second draw is refused for insufficient funds: the customer is told to pay it to its OCR.
      await t.sandbox.sandbox.directDebit.refuseDraws(mandate!.id, 'insufficient_funds', 1);
      const due2 = installmentDueDate(loan.payout_date, 2);
      await sleepUntil(addDays(due2, 1));
      await waitFor(
        () => listDrawsOfLoan(t.db, loanId),
        (ds) => ds.some((d) => d.invoice_number === 2 && d.status === 'REFUSED'),
        'the refused draw',
      );
      const invoice2 = (await findInvoice(t.db, loanId, 2))!;
      expect(invoice2.status).toBe('OPEN');
      const refused = await waitFor(
        () => kinds(customer),
        (ms) => ms.some((m) => m.kind === 'direct-debit-refused' && m.notified_at !== null),
        'the refused-draw notice',
      );
      const refusedNotice = refused.find((m) => m.kind === 'direct-debit-refused')!;
      expect(refusedNotice.subject).toContain('Faktura 2');
      expect(refusedNotice.body).toContain(invoice2.ocr_reference);
      expect(refusedNotice.body).toContain('tillräckligt med pengar');
      expect(refusedNotice.notified_channel).toBe('sms');

      // Cancelled by the customer: told, once.
      const cancelled = await t.client.workflow.execute(cancelDirectDebitMandateWorkflow, {
        taskQueue: (await loanHandle.describe()).taskQueue,
        workflowId: mandateCancelWorkflowId(mandate!.id),
        args: [{ mandateId: mandate!.id, by: 'customer' }],
      });
      expect(cancelled.status).toBe('CANCELLED');
      const after = await waitFor(
        () => kinds(customer),
        (ms) => ms.some((m) => m.kind === 'direct-debit-mandate-cancelled' && m.notified_at !== null),
        'the cancellation notice',
      );
      expect(after.filter((m) => m.kind === 'direct-debit-mandate-cancelled')).toHaveLength(1);
      expect(after.find((m) => m.kind === 'direct-debit-mandate-cancelled')!.body).toContain('på din begäran');
      expect(after.filter((m) => m.kind === 'direct-debit-mandate-active')).toHaveLength(1);
      await expectLedgerBalanced(t.db);
      await recordHistory(t.client, loanHandle.workflowId, 'loan-autogiro-mandate-at-signing-drawn-refused');
    } finally {
      await loanHandle.terminate('test done').catch(() => undefined);
    }
  });

  it('R-PROD-2: an e-invoice application gets no mandate', async () => {
    const person = newPerson();
    await t.atBureau(person);
    const input = applicationInput({ applicants: [person] });
    const customer = input.creatorCustomerId!;
    const h = await t.start(input);
    await t.identify(h, 0, customer);
    await t.submit(h, 0, customer, goodAnswers());
    await waitFor(
      () => t.view(h),
      (v) => v.status === 'OFFERED',
      'the offer',
    );
    await t.sign(h, 0, customer);
    const outcome = await t.closed(h);
    expect(outcome.status).toBe('PAID_OUT');
    try {
      await waitFor(
        () => findLoan(t.db, outcome.loanId!),
        (l) => l !== undefined,
        'the loan',
      );
      expect(await listMandatesOfLoan(t.db, outcome.loanId!)).toEqual([]);
    } finally {
      await t.client.workflow
        .getHandle(loanWorkflowId(outcome.loanId!))
        .terminate('test done')
        .catch(() => undefined);
    }
  });
});
