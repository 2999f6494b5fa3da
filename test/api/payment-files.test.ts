/**
 * R-PAY-2: Bankgirot BgMax files through POST /v1/payment-files: each payment registered as a
 * single payment is (matched by OCR, else suspense), the file imported at most once, a malformed
 * file refused whole with the line and the reason, and a report readable later.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { type ApiHarness, eventually, startApiHarness } from '../support/api';
import { expectLedgerBalanced } from '../support/ledger';
import { insertTestLoan } from '../support/loans';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/bgmax', name));

describe('BgMax payment files through the API (R-PAY-2)', () => {
  let h: ApiHarness;
  const operator = () => `Bearer ${h.token({ role: 'operator', sub: 'op-files' })}`;
  const loans: Record<string, string> = {};

  beforeAll(async () => {
    h = await startApiHarness();
    // The fixtures pay the loans with these contract numbers (their OCR references).
    for (const [contract, ocr] of [
      ['900000001', '90000000118'],
      ['900000002', '90000000217'],
      ['900000003', '90000000316'],
    ] as const) {
      const { loanId } = await insertTestLoan(h.db, {
        customer_id: `customer-${contract}`,
        contract_number: contract,
        ocr_reference: ocr,
      });
      loans[ocr] = loanId;
    }
  });
  afterAll(async () => {
    await h?.stop();
  });

  const upload = (body: Buffer, contentType = 'text/plain') =>
    request(h.app)
      .post('/v1/payment-files')
      .set('authorization', operator())
      .set('content-type', contentType)
      .send(body);

  it('R-PAY-2: a valid file is imported once: report, payments matched by OCR and applied, a repeat is the same import', async () => {
    const res = await upload(fixture('valid.bgmax')).expect(201);
    expect(res.body).toMatchObject({
      format: 'bgmax',
      identity: 'bgmax:20261127061502123456:9912346',
      test: false,
      records: 2,
      count: 2,
      total: '3734.50',
      matched: { count: 2, total: '3734.50' },
      suspense: { count: 0, total: '0.00' },
      refused: [],
      deposits: [{ serial: '00001', paymentDate: '2026-11-26', amount: '3734.50', payments: 2 }],
    });
    expect(
      res.body.payments.map((p: { bankReference: string; loanId: string; paymentDate: string }) => [
        p.bankReference,
        p.loanId,
        p.paymentDate,
      ]),
    ).toEqual([
      ['BGC-100000000001', loans['90000000118'], '2026-11-26'],
      ['BGC-100000000002', loans['90000000217'], '2026-11-26'],
    ]);

    // Applied by their payment workflows, as POST /v1/payments does; the report shows it later.
    const report = await eventually(async () => {
      const r = await request(h.app)
        .get(`/v1/payment-files/${res.body.fileId}`)
        .set('authorization', operator())
        .expect(200);
      return r.body.payments.every((p: { status: string }) => p.status === 'APPLIED') ? r.body : undefined;
    }, 'the file’s payments to be applied');
    expect(report.fileId).toBe(res.body.fileId);

    // The same file again (also as octet-stream) is the same import: nothing new is registered.
    const again = await upload(fixture('valid.bgmax'), 'application/octet-stream').expect(200);
    expect(again.body.fileId).toBe(res.body.fileId);
    const rows = await h.db
      .selectFrom('payments')
      .select('id')
      .where('bank_reference', 'in', ['BGC-100000000001', 'BGC-100000000002'])
      .execute();
    expect(rows).toHaveLength(2);
    expect(
      await h.db.selectFrom('payment_files').select('id').where('identity', '=', report.identity).execute(),
    ).toHaveLength(1);

    // Another file claiming the same identity (timestamp and bankgiro) is refused.
    const altered = Buffer.from(fixture('valid.bgmax').toString('latin1').replace('Åsa Öberg', 'Asa Oberg'), 'latin1');
    const clash = await upload(altered).expect(409);
    expect(clash.body.detail).toContain(res.body.fileId);
    await expectLedgerBalanced(h.db);
  });

  it('R-PAY-2: unmatched OCR references and payments without one go to the suspense list', async () => {
    const res = await upload(fixture('unmatched-ocr.bgmax')).expect(201);
    expect(res.body).toMatchObject({
      count: 3,
      total: '1449.00',
      matched: { count: 1, total: '400.00' },
      suspense: { count: 2, total: '1049.00' },
    });
    const suspense = await request(h.app).get('/v1/payments/suspense').set('authorization', operator()).expect(200);
    const refs = suspense.body.payments.map((p: { bankReference: string }) => p.bankReference);
    expect(refs).toEqual(expect.arrayContaining(['BGC-300000000002', 'BGC-300000000003']));
  });

  it('R-PAY-2: several deposits keep their own payment dates; a deduction is a refused record with the reason', async () => {
    const res = await upload(fixture('several-deposits.bgmax')).expect(201);
    expect(res.body).toMatchObject({ records: 5, count: 4, total: '2350.25' });
    expect(res.body.refused).toEqual([
      { line: 10, amount: '25.00', reason: 'a deduction is not a payment: settle it with the bank' },
    ]);
    expect(res.body.payments.map((p: { paymentDate: string }) => p.paymentDate)).toEqual([
      '2026-11-25',
      '2026-11-25',
      '2026-11-26',
      '2026-11-26',
    ]);
  });

  it.each([
    ['malformed-record-type.bgmax', 'line 5: unknown record type "99"'],
    ['malformed-count.bgmax', 'line 6: the end record says 3 payment records, the file has 2'],
    ['malformed-amount.bgmax', 'line 4: amount (positions 38–55) must be 18 digits, is "0000000000000200O0"'],
    ['truncated.bgmax', 'line 5: a record is 80 characters, this one is 51'],
  ])(
    'R-PAY-2: %s is refused whole (400 with the line and the reason); nothing of it is stored',
    async (name, message) => {
      const res = await upload(fixture(name)).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ field: 'body', message }]);
      const stored = await h.db
        .selectFrom('payments')
        .select('id')
        .where('bank_reference', 'in', ['BGC-400000000001', 'BGC-400000000002'])
        .execute();
      expect(stored).toEqual([]);
    },
  );

  it('R-SEC-1: only operators import or read files; an unknown file is a 404; a JSON body is a 400', async () => {
    await request(h.app)
      .post('/v1/payment-files')
      .set('authorization', `Bearer ${h.token({ role: 'customer', sub: 'c-1' })}`)
      .set('content-type', 'text/plain')
      .send(fixture('valid.bgmax'))
      .expect(403);
    await request(h.app)
      .get('/v1/payment-files/00000000-0000-4000-8000-000000000000')
      .set('authorization', operator())
      .expect(404);
    const json = await request(h.app)
      .post('/v1/payment-files')
      .set('authorization', operator())
      .send({ file: 'x' })
      .expect(400);
    expect(json.body.errors[0].field).toBe('body');
    const audit = await h.db
      .selectFrom('operator_audit')
      .select(['route', 'status'])
      .where('operator', '=', 'op-files')
      .execute();
    expect(audit).toEqual(expect.arrayContaining([{ route: '/v1/payment-files', status: 201 }]));
  });
});
