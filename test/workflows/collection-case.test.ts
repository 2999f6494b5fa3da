/**
 * The collection case (R-COLL-1…9) on the time-skipping server: a loan stops paying, is terminated
 * and handed over; the case's workflow then runs its statutory timeline while the debtor pays,
 * postpones, agrees a plan or disputes. Every test ends with the ledger balanced.
 */
import type { Worker } from '@temporalio/worker';
import { caseLedgerLines, type CollectionCaseRow } from '../../db/collection-case-repository';
import { findLoan } from '../../db/loan-repository';
import { claimFromLines, claimTotal } from '../../domain/collection';
import { addDays, type IsoDate } from '../../domain/dates';
import { asRefusal } from '../../domain/refusal';
import { Decimal, formatAmount } from '../../domain/money';
import {
  answerDisputeUpdate,
  caseViewQuery,
  disputeUpdate,
  orderInvoiceCopyUpdate,
  postponeUpdate,
  proposePlanUpdate,
} from '../../workflows/collection-case-messages';
import { expectLedgerBalanced } from '../support/ledger';
import {
  caseEventKinds,
  caseHandle,
  caseRow,
  claimTotalOn,
  hasCaseEvent,
  payCase,
  simulatedToday,
  sleepUntil,
  useCaseServers,
  withCase,
} from '../support/collection-workflow';
import { eventually } from '../support/api';

describe('the collection case (R-COLL-1…9) on the time-skipping server', () => {
  const s = useCaseServers();
  const kinds = (caseId: string) => caseEventKinds(s.db, caseId);

  /** A payment to the case through the payment path; it is booked to the case's loan. */
  async function pay(worker: Worker, row: CollectionCaseRow, amount: string, paymentDate: IsoDate): Promise<void> {
    const registered = await payCase(s, worker.options.taskQueue, row, amount, paymentDate);
    expect(registered.loan_id).toBe(row.loan_id);
  }

  it('R-COLL-1, R-COLL-4, R-COLL-9: demand with the claim itemised; a part payment keeps it open; paid in full → CLOSED_PAID', async () => {
    const row = await withCase(s, async (worker, row) => {
      await eventually(hasCaseEvent(s.db, row.id, 'demand'), 'the demand');
      const opened = await caseRow(s.db, row.id);
      expect(opened.case_number).toMatch(/^\d{6}$/);
      expect(opened.ocr_reference).toHaveLength(8);
      expect(opened).toMatchObject({ status: 'OPEN', stage: 'DEMAND', deadline: addDays(row.opened_on, 10) });
      // The claim moved under the case: the collection fee 180 included, the debt unchanged.
      const claim = claimFromLines(await caseLedgerLines(s.db, row.id));
      expect(formatAmount(claim.collectionFee)).toBe('180.00');
      expect(formatAmount(claimTotal(claim))).toBe(row.total);
      const loan = (await findLoan(s.db, row.loan_id))!;
      const demand = await s.db
        .selectFrom('mailbox_messages')
        .selectAll()
        .where('customer_id', '=', loan.customer_id)
        .where('kind', '=', 'collection-demand')
        .executeTakeFirstOrThrow();
      expect(demand.body).toContain('Inkassoavgift');
      expect(demand.body).toContain(opened.ocr_reference!);

      // R-COLL-2: a copy of an original invoice, by post.
      const copy = await (
        await caseHandle(s, row)
      ).executeUpdate(orderInvoiceCopyUpdate, {
        args: [{ actor: 'debtor', invoiceNumber: 2 }],
      });
      expect(copy.status).toBe('OPEN');
      const copyLetter = await s.db
        .selectFrom('mailbox_messages')
        .selectAll()
        .where('customer_id', '=', loan.customer_id)
        .where('kind', '=', 'collection-invoice-copy')
        .executeTakeFirstOrThrow();
      expect(copyLetter).toMatchObject({ by_post: true });
      expect(copyLetter.subject).toContain('Kopia av faktura 2');

      // Five days on: a part payment; default interest has accrued on the principal part.
      const day5 = addDays(row.opened_on, 5);
      await sleepUntil(s.env, day5);
      await pay(worker, row, '1000.00', day5);
      const handle = await caseHandle(s, row);
      const afterPart = await eventually(async () => {
        const v = await handle.query(caseViewQuery);
        return v.claimDate === day5 ? v : undefined;
      }, 'the case reads the part payment');
      expect(afterPart.status).toBe('OPEN');
      expect(afterPart.claim.total).toBe(formatAmount(await claimTotalOn(s.db, row, day5)));
      // Fees first, then interest (default interest accrued on the principal part to day 5) (R-COLL-9).
      expect(afterPart.claim.collectionFee).toBe('0.00');
      const [applied] = await s.db
        .selectFrom('payments')
        .select('allocation')
        .where('loan_id', '=', row.loan_id)
        .where('payment_date', '=', day5)
        .execute();
      const lines = (applied!.allocation as { lines: { kind: string; amount: string }[] }).lines;
      expect(lines.map((l) => l.kind)).toEqual(['collection-fee', 'other-fee', 'default-interest', 'interest']);
      expect(Number(lines[2]!.amount)).toBeGreaterThan(0);

      const day7 = addDays(row.opened_on, 7);
      await sleepUntil(s.env, day7);
      await pay(worker, row, formatAmount(await claimTotalOn(s.db, row, day7)), day7);
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'CLOSED_PAID' ? true : undefined),
        'closing',
      );
    });
    expect(await kinds(row.id)).toEqual(['opened', 'demand', 'invoice-copy', 'payment', 'payment', 'closed-paid']);
    expect(claimTotal(claimFromLines(await caseLedgerLines(s.db, row.id))).isZero()).toBe(true);
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-3, R-COLL-4: no reaction: last reminder after the deadline, then a payment order → SENT_TO_ENFORCEMENT', async () => {
    const row = await withCase(s, async (worker, row) => {
      await eventually(hasCaseEvent(s.db, row.id, 'demand'), 'the demand');
      await sleepUntil(s.env, addDays(row.opened_on, 10));
      expect(await kinds(row.id)).not.toContain('last-reminder');
      await sleepUntil(s.env, addDays(row.opened_on, 11));
      expect((await caseRow(s.db, row.id)).stage).toBe('LAST_REMINDER');
      await sleepUntil(s.env, addDays(row.opened_on, 22));
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'SENT_TO_ENFORCEMENT' ? true : undefined),
        'enforcement',
      );
    });
    const done = await caseRow(s.db, row.id);
    const [application] = await s.enforcement.listApplications({ caseNumber: done.case_number! });
    expect(application).toBeDefined();
    expect(done.enforcement_reference).toBe(application!.applicationId);
    expect(application!.claim.collectionFee).toBe('180.00');
    expect(await kinds(row.id)).toEqual(['opened', 'demand', 'last-reminder', 'sent-to-enforcement']);
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-5: a postponement moves the timeline; a second one is refused', async () => {
    await withCase(s, async (worker, row) => {
      await eventually(hasCaseEvent(s.db, row.id, 'demand'), 'the demand');
      const handle = await caseHandle(s, row);
      const now = await simulatedToday(s.env);
      const newDueDate = addDays(now, 30);
      const view = await handle.executeUpdate(postponeUpdate, { args: [{ actor: 'debtor', newDueDate }] });
      expect(view).toMatchObject({ stage: 'POSTPONED', deadline: newDueDate, postponementsUsed: 1 });
      const second = await handle
        .executeUpdate(postponeUpdate, { args: [{ actor: 'debtor', newDueDate: addDays(now, 31) }] })
        .catch((e: unknown) => e);
      expect(asRefusal((second as { cause?: { details?: unknown[] } }).cause?.details?.[0])).toMatchObject({
        kind: 'conflict',
        rule: 'R-COLL-5',
      });
      await sleepUntil(s.env, addDays(row.opened_on, 12));
      expect(await kinds(row.id)).not.toContain('last-reminder');
      await sleepUntil(s.env, addDays(newDueDate, 1));
      await eventually(hasCaseEvent(s.db, row.id, 'last-reminder'), 'the last reminder after the new due date');
    });
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-6: a plan below the smallest amount is refused with it; a kept plan pays the claim and the fee → CLOSED_PAID', async () => {
    const row = await withCase(s, async (worker, row) => {
      await eventually(hasCaseEvent(s.db, row.id, 'demand'), 'the demand');
      const handle = await caseHandle(s, row);
      const low = await handle
        .executeUpdate(proposePlanUpdate, { args: [{ actor: 'debtor', monthlyAmount: '100.00', dayOfMonth: 25 }] })
        .catch((e: unknown) => e);
      const refusal = asRefusal((low as { cause?: { details?: unknown[] } }).cause?.details?.[0]);
      expect(refusal).toMatchObject({ kind: 'conflict', rule: 'R-COLL-6', field: 'monthlyAmount' });
      expect(refusal!.message).toContain('smallest acceptable monthly amount');
      const monthly = new Decimal(row.total).plus(170).div(3).ceil();
      const view = await handle.executeUpdate(proposePlanUpdate, {
        args: [{ actor: 'debtor', monthlyAmount: formatAmount(monthly), dayOfMonth: 25 }],
      });
      expect(view.stage).toBe('PLAN');
      expect(view.plan!.fee).toBe('170.00');
      expect(view.plan!.installments).toHaveLength(3);
      for (const installment of view.plan!.installments) {
        const payOn = addDays(installment.dueDate, -2);
        await sleepUntil(s.env, payOn);
        await pay(worker, row, installment.amount, payOn);
      }
      // Default interest ran during the plan: one more installment asks for the rest.
      await sleepUntil(s.env, addDays(view.plan!.installments[2]!.dueDate, 1));
      const rest = await eventually(async () => {
        const v = await handle.query(caseViewQuery);
        return v.plan && v.plan.installments.length === 4 ? v.plan.installments[3] : undefined;
      }, 'the last installment');
      await sleepUntil(s.env, addDays(rest.dueDate, -1));
      await pay(
        worker,
        row,
        formatAmount(await claimTotalOn(s.db, row, addDays(rest.dueDate, -1))),
        addDays(rest.dueDate, -1),
      );
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'CLOSED_PAID' ? true : undefined),
        'closing',
      );
    });
    const events = await kinds(row.id);
    expect(events).toContain('plan-accepted');
    expect(events.filter((k) => k === 'plan-installment')).toHaveLength(4);
    expect(events).not.toContain('plan-reminder');
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-6: a missed installment gets a reminder, the second miss breaks the plan; the claim goes on to enforcement', async () => {
    const row = await withCase(s, async (worker, row) => {
      await eventually(hasCaseEvent(s.db, row.id, 'demand'), 'the demand');
      const handle = await caseHandle(s, row);
      const view = await handle.executeUpdate(proposePlanUpdate, {
        args: [{ actor: 'debtor', monthlyAmount: '3000.00', dayOfMonth: 10 }],
      });
      const [first, second] = view.plan!.installments;
      await sleepUntil(s.env, addDays(first!.dueDate, 1));
      await eventually(hasCaseEvent(s.db, row.id, 'plan-reminder'), 'the reminder');
      await sleepUntil(s.env, addDays(second!.dueDate, 1));
      await eventually(hasCaseEvent(s.db, row.id, 'plan-broken'), 'the plan breaking');
      const broken = await caseRow(s.db, row.id);
      expect(broken).toMatchObject({ stage: 'DEMAND', plan: null });
      await sleepUntil(s.env, addDays(broken.deadline!, 12));
      await eventually(
        async () => ((await caseRow(s.db, row.id)).status === 'SENT_TO_ENFORCEMENT' ? true : undefined),
        'enforcement',
      );
    });
    expect(await kinds(row.id)).toEqual([
      'opened',
      'demand',
      'plan-accepted',
      'plan-installment',
      'plan-reminder',
      'plan-installment',
      'plan-broken',
      'last-reminder',
      'sent-to-enforcement',
    ]);
    await expectLedgerBalanced(s.db);
  });

  it('R-COLL-7: a dispute pauses the timeline (escalated, never enforced); rejected, it resumes with a fresh deadline', async () => {
    await withCase(s, async (worker, row) => {
      await eventually(hasCaseEvent(s.db, row.id, 'demand'), 'the demand');
      const handle = await caseHandle(s, row);
      const disputed = await handle.executeUpdate(disputeUpdate, {
        args: [{ actor: 'debtor', reason: 'Jag har redan betalat.' }],
      });
      expect(disputed).toMatchObject({ stage: 'DISPUTED', deadline: null });
      await sleepUntil(s.env, addDays(row.opened_on, 40));
      expect(await kinds(row.id)).toEqual(['opened', 'demand', 'dispute-filed', 'dispute-escalated']);
      const answered = await handle.executeUpdate(answerDisputeUpdate, {
        args: [{ actor: 'operator', outcome: 'rejected', answer: 'Betalningen avsåg en annan faktura.' }],
      });
      const now = await simulatedToday(s.env);
      expect(answered).toMatchObject({ stage: 'DEMAND', deadline: addDays(now, 10) });
      await sleepUntil(s.env, addDays(now, 11));
      await eventually(hasCaseEvent(s.db, row.id, 'last-reminder'), 'the last reminder after the fresh deadline');
    });
    await expectLedgerBalanced(s.db);
  });
});
