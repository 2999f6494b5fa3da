/**
 * The ledger's write path: a posting and its entries go in one statement, once per idempotency
 * key, and the database still refuses an unbalanced posting; the snapshot an invoice returns
 * (balances carried from before the posting, not read again) equals a fresh read of the ledger;
 * and a month-end invoice costs the statements it costs (docs/benchmarks.md (c)), no more.
 */
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createLoanActivities } from '../../activities/loan';
import { loanSnapshot } from '../../activities/loan/snapshot';
import type { Database, Db } from '../../db/database';
import { ledgerEntryCount, loanAccountBalances, postInTransaction } from '../../db/ledger-repository';
import { invoiceIssueDate } from '../../domain/invoicing';
import { balancesAfter, chargePosting } from '../../domain/ledger';
import { Decimal, formatAmount } from '../../domain/money';
import { buildSchedule, installmentDueDate } from '../../domain/schedule';
import { openTestDb } from '../support/db';
import { expectLedgerBalanced } from '../support/ledger';

describe('ledger postings in one statement', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb('INTEGRATION');
  });
  afterAll(async () => {
    await db?.destroy();
  });

  async function openLoan(): Promise<{ loanId: string; payoutDate: string }> {
    const loanId = randomUUID();
    const terms = {
      loanId,
      contractNumber: String(500_000_000 + Math.floor(Math.random() * 499_999_999)),
      customerId: `customer-${loanId}`,
      amount: '50000.00',
      termMonths: 24,
      nominalRatePercent: '7.45',
      noticeChannel: 'paper' as const,
      payoutDate: '2027-02-03',
    };
    const schedule = buildSchedule({
      ...terms,
      amount: new Decimal(terms.amount),
      nominalRatePercent: new Decimal('7.45'),
    });
    await createLoanActivities(db).openLoan({
      ...terms,
      capitalisedInterest: formatAmount(schedule.capitalisedInterest),
      monthlyPayment: formatAmount(schedule.monthlyPayment),
    });
    return { loanId, payoutDate: terms.payoutDate };
  }

  it('writes a posting and its entries once per idempotency key', async () => {
    const { loanId } = await openLoan();
    const before = await ledgerEntryCount(db, loanId);
    const balancesBefore = await loanAccountBalances(db, loanId);
    const posting = chargePosting(loanId, 1, '2027-03-20', 'late-fee', new Decimal('60.00'), `${loanId}:test-fee:1`);
    const first = await db.transaction().execute((trx) => postInTransaction(trx, posting));
    const again = await db.transaction().execute((trx) => postInTransaction(trx, posting));
    expect([first, again]).toEqual([true, false]);
    expect(await ledgerEntryCount(db, loanId)).toBe(before + posting.entries.length);
    expect(await loanAccountBalances(db, loanId)).toEqual(balancesAfter(balancesBefore, [posting]));
    await expectLedgerBalanced(db);
  });

  it('refuses an unbalanced posting at commit, writing nothing of it', async () => {
    const { loanId } = await openLoan();
    const before = await ledgerEntryCount(db, loanId);
    const posting = chargePosting(loanId, 1, '2027-03-20', 'late-fee', new Decimal('60.00'), `${loanId}:test-fee:2`);
    const unbalanced = { ...posting, entries: [{ ...posting.entries[0]!, amount: new Decimal('0.01') }] };
    await expect(db.transaction().execute((trx) => postInTransaction(trx, unbalanced))).rejects.toThrow(
      /does not balance/,
    );
    expect(await ledgerEntryCount(db, loanId)).toBe(before);
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-1: the snapshot an invoice returns is the ledger as a fresh read sees it, to the öre', async () => {
    const { loanId, payoutDate } = await openLoan();
    const dueDate = installmentDueDate(payoutDate, 1);
    const returned = await createLoanActivities(db).issueInvoice({
      loanId,
      idempotencyKey: `${loanId}:invoice:1`,
      number: 1,
      issueDate: invoiceIssueDate(dueDate),
      dueDate,
      isLast: false,
    });
    expect(returned.openInvoices).toHaveLength(1);
    expect(returned).toEqual(await loanSnapshot(db, loanId));
    await expectLedgerBalanced(db);
  });

  it('R-LOAN-1: a month-end invoice is one transaction of 11 statements, from BEGIN to COMMIT', async () => {
    const { loanId, payoutDate } = await openLoan();
    const statements: string[] = [];
    const logged = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL_INTEGRATION, max: 1 }),
      }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql.split(' ').slice(0, 3).join(' '));
      },
    });
    try {
      const dueDate = installmentDueDate(payoutDate, 1);
      await createLoanActivities(logged).issueInvoice({
        loanId,
        idempotencyKey: `${loanId}:invoice:1`,
        number: 1,
        issueDate: invoiceIssueDate(dueDate),
        dueDate,
        isLast: false,
      });
    } finally {
      await logged.destroy();
    }
    // begin; lock the loan; the invoice not yet there; scheduled rate changes; balances; the invoice
    // row; the posting with its entries; open items with dunning; early repayment; mailbox; commit.
    expect(statements).toHaveLength(11);
    expect([statements[0], statements[10]]).toEqual(['begin', 'commit']);
    await expectLedgerBalanced(db);
  });
});
