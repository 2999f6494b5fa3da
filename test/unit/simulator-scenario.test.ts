import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENT_SUPPORT, loanWorkflowMessages, unsupportedEventIssues } from '../../simulator/capabilities';
import { borrowerInput } from '../../simulator/runner';
import { parseScenario, parseScenarioText, ScenarioError, type ScenarioIssue } from '../../simulator/scenario';
import { borrowerPlan } from '../../workflows/simulated-borrower';

const valid = () => ({
  loan: {
    amount: '100000',
    termMonths: 60,
    nominalRatePercent: '9.95',
    noticeChannel: 'e-invoice',
    payoutDate: '2028-03-10',
  },
  borrower: { paysDaysBeforeDue: 5 },
  events: [] as unknown[],
  end: { untilClosed: true },
});

function issuesOf(document: unknown): ScenarioIssue[] {
  try {
    parseScenario(document);
  } catch (err) {
    if (err instanceof ScenarioError) return [...err.issues];
    throw err;
  }
  throw new Error('expected the scenario to be refused');
}

const fields = (document: unknown) => issuesOf(document).map((i) => i.field);

describe('simulator scenario validation', () => {
  it('accepts both examples and normalises amounts and rates to decimal strings', () => {
    for (const file of ['on-time.json', 'missed-invoice.json']) {
      const scenario = parseScenarioText(readFileSync(path.join(__dirname, '../../examples', file), 'utf8'));
      expect(scenario.loan.amount).toMatch(/^\d+\.\d{2}$/);
    }
    const s = parseScenario({ ...valid(), loan: { ...valid().loan, amount: 100000, nominalRatePercent: 9.95 } });
    expect(s.loan).toMatchObject({ amount: '100000.00', nominalRatePercent: '9.95' });
    expect(s.events).toEqual([]);
  });

  it('names every bad loan field, with the product limits (R-PROD-1)', () => {
    const issues = issuesOf({
      ...valid(),
      loan: {
        amount: '5',
        termMonths: 300,
        nominalRatePercent: '9.955',
        noticeChannel: 'fax',
        payoutDate: '2028-02-30',
      },
    });
    expect(issues.map((i) => i.field).sort()).toEqual([
      'loan.amount',
      'loan.nominalRatePercent',
      'loan.noticeChannel',
      'loan.payoutDate',
      'loan.termMonths',
    ]);
    expect(issues.find((i) => i.field === 'loan.noticeChannel')?.message).toContain('autogiro, e-invoice, paper');
    expect(issues.find((i) => i.field === 'loan.payoutDate')?.message).toContain('YYYY-MM-DD');
  });

  it('reports missing and unknown fields by name', () => {
    const issues = issuesOf({ loan: { ...valid().loan, termMonth: 60, termMonths: undefined }, end: {}, extra: 1 });
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'loan.termMonths', message: expect.stringContaining('required') },
        { field: 'loan.termMonth', message: expect.stringContaining('unknown field') },
        { field: 'borrower', message: expect.stringContaining('required') },
        { field: 'extra', message: expect.stringContaining('unknown field') },
        { field: 'end', message: expect.stringContaining('exactly one of') },
      ]),
    );
  });

  it('wants exactly one borrower behaviour and one end', () => {
    expect(fields({ ...valid(), borrower: { paysDaysBeforeDue: 5, never: true } })).toEqual(['borrower']);
    expect(fields({ ...valid(), borrower: { paysDaysBeforeDue: 2.5 } })).toEqual(['borrower.paysDaysBeforeDue']);
    expect(fields({ ...valid(), borrower: { never: false } })).toEqual(['borrower.never']);
    expect(fields({ ...valid(), end: { until: '2029-01-01', untilClosed: true } })).toEqual(['end']);
    expect(parseScenario({ ...valid(), borrower: { never: true }, end: { until: '2029-01-01' } }).end).toEqual({
      until: '2029-01-01',
    });
  });

  it('checks each event by its type, with the index in the field name', () => {
    const issues = issuesOf({
      ...valid(),
      events: [
        { type: 'miss-invoice', invoice: 0 },
        { type: 'payment', amount: '-5', date: '2028-05-01' },
        { type: 'payment', amount: '100', date: '2027-01-01' },
        { type: 'teleport', date: '2028-05-01' },
        { type: 'rate-change', announcedOn: '2028-06-01', effectiveOn: '2028-05-01', nominalRatePercent: '11' },
        { type: 'early-repayment', amount: 'most', date: '2028-06-01' },
        { type: 'stop-paying', fromInvoice: 61 },
        { type: 'withdrawal', date: '2028-03-20', reason: 'x' },
      ],
    });
    expect(issues.map((i) => i.field)).toEqual([
      'events[0].invoice',
      'events[1].amount',
      'events[2].date',
      'events[3].type',
      'events[4].effectiveOn',
      'events[5].amount',
      'events[6].fromInvoice',
      'events[7].reason',
    ]);
    expect(issues[2]!.message).toContain('before the payout date 2028-03-10');
    expect(issues[3]!.message).toContain('miss-invoice');
    expect(issues[6]!.message).toContain('60 invoices');
  });

  it('refuses text that is not JSON with one document-level issue', () => {
    expect(() => parseScenarioText('{ nope')).toThrow(ScenarioError);
    try {
      parseScenarioText('{ nope');
    } catch (err) {
      expect((err as ScenarioError).issues).toEqual([
        { field: '(document)', message: expect.stringMatching(/^not JSON/) },
      ]);
    }
  });

  it('accepts the events the loan workflow will take later, and refuses them at run time as "not supported yet"', () => {
    const scenario = parseScenario({
      ...valid(),
      events: [
        { type: 'payment', amount: '500', date: '2028-04-01' },
        { type: 'complaint', date: '2028-04-02', text: 'the invoice was late' },
        { type: 'early-repayment', amount: 'all', date: '2028-09-01' },
      ],
    });
    const unsupported = unsupportedEventIssues(scenario);
    const expected = (['complaint', 'early-repayment'] as const).filter((t) => !EVENT_SUPPORT[t].supported);
    expect(unsupported.map((i) => i.field)).toEqual(
      expected.map((t) => (t === 'complaint' ? 'events[1].type' : 'events[2].type')),
    );
    for (const issue of unsupported) {
      expect(issue.message).toContain('not supported yet');
      expect(issue.message).toContain('paymentReceived'); // what workflows/loan.ts exposes today
    }
    expect(loanWorkflowMessages().signals).toContain('paymentReceived');
  });
});

describe('simulated borrower plan', () => {
  it('pays each invoice N days before due, skips misses, stops, and puts dated payments in date order', () => {
    const scenario = parseScenario({
      ...valid(),
      loan: { ...valid().loan, termMonths: 24 },
      events: [
        { type: 'miss-invoice', invoice: 2 },
        { type: 'stop-paying', fromInvoice: 5 },
        { type: 'payment', amount: '2000', date: '2028-07-10' },
        { type: 'payment', amount: '10', date: '2028-06-25' },
      ],
    });
    // Due dates: 2028-04-28, 05-31, 06-30, 07-31 (last banking days).
    expect(borrowerPlan(borrowerInput(scenario, 'loan-1', '2028-03-10'))).toEqual([
      { kind: 'invoice', date: '2028-04-23', invoiceNumber: 1 },
      { kind: 'invoice', date: '2028-06-25', invoiceNumber: 3 },
      { kind: 'payment', date: '2028-06-25', valueDate: '2028-06-25', amount: '10.00', index: 1 },
      { kind: 'payment', date: '2028-07-10', valueDate: '2028-07-10', amount: '2000.00', index: 0 },
      { kind: 'invoice', date: '2028-07-26', invoiceNumber: 4 },
    ]);
  });

  it('never pays an invoice on the "never" behaviour, and never before the invoice is issued', () => {
    const never = parseScenario({ ...valid(), borrower: { never: true } });
    expect(borrowerPlan(borrowerInput(never, 'loan-1', '2028-03-10'))).toEqual([]);
    const early = parseScenario({ ...valid(), borrower: { paysDaysBeforeDue: 31 } });
    // Invoice 1 is issued 2028-04-18 (the 15th is a Saturday, the 17th Easter Monday).
    expect(borrowerPlan(borrowerInput(early, 'loan-1', '2028-03-10'))[0]).toEqual({
      kind: 'invoice',
      date: '2028-04-18',
      invoiceNumber: 1,
    });
  });

  it('R-PAY-1: plays a late bank file: the payment is registered on registeredOn, judged at its date', () => {
    const scenario = parseScenario({
      ...valid(),
      borrower: { paysDaysBeforeDue: 5 },
      events: [
        { type: 'miss-invoice', invoice: 1 },
        { type: 'payment', amount: '2500', date: '2028-04-28', registeredOn: '2028-05-08' },
      ],
    });
    const payment = borrowerPlan(borrowerInput(scenario, 'loan-1', '2028-03-10')).find((a) => a.kind === 'payment');
    expect(payment).toEqual({
      kind: 'payment',
      date: '2028-05-08',
      valueDate: '2028-04-28',
      amount: '2500.00',
      index: 0,
    });
    expect(
      issuesOf({
        ...valid(),
        events: [{ type: 'payment', amount: '1', date: '2028-05-08', registeredOn: '2028-05-07' }],
      }).map((i) => i.field),
    ).toEqual(['events[0].registeredOn']);
  });
});
