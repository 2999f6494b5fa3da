/** R-PAY-2: the BgMax parser on real-format files (test/fixtures/bgmax/), malformed ones refused whole. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BgMaxFormatError, decodeBgMax, parseBgMax } from '../../adapters/bankgirot';

const fixture = (name: string) => decodeBgMax(readFileSync(join(__dirname, '../fixtures/bgmax', name)));

function refusal(name: string): { line: number; reason: string } {
  try {
    parseBgMax(fixture(name));
  } catch (error) {
    if (error instanceof BgMaxFormatError) return { line: error.line, reason: error.reason };
    throw error;
  }
  throw new Error(`${name} was accepted`);
}

describe('BgMax parser (R-PAY-2)', () => {
  it('R-PAY-2: reads a valid file: identity, deposit, payments with OCR, amount in öre and the payment date', () => {
    const file = parseBgMax(fixture('valid.bgmax'));
    expect(file).toMatchObject({ timestamp: '20261127061502123456', version: '01', test: false });
    expect(file.payeeBankgiros).toEqual(['9912346']);
    expect(file.deposits).toEqual([
      {
        line: 7,
        payeeBankgiro: '9912346',
        payeeAccount: '00000000000000000058410000010098232',
        paymentDate: '2026-11-26',
        serial: '00001',
        amount: '3734.50',
        paymentCount: 2,
      },
    ]);
    expect(
      file.payments.map((p) => [p.line, p.reference, p.referenceType, p.amount, p.paymentDate, p.bgcSerial]),
    ).toEqual([
      [3, '90000000118', 'ocr', '2500.00', '2026-11-26', '100000000001'],
      [6, '90000000217', 'ocr', '1234.50', '2026-11-26', '100000000002'],
    ]);
    // ISO-8859-1 as Bankgirot delivers it: the payer's name keeps its Å and Ö.
    expect(file.payments[0]!.payerName).toBe('Åsa Öberg');
    expect(file.payments[1]!.payerBankgiro).toBe('56781234');
  });

  it('R-PAY-2: several deposits each give their own payment date; a deduction is read as one', () => {
    const file = parseBgMax(fixture('several-deposits.bgmax'));
    expect(file.deposits.map((d) => [d.serial, d.paymentDate, d.amount, d.paymentCount])).toEqual([
      ['00011', '2026-11-25', '1500.00', 2],
      ['00012', '2026-11-26', '825.25', 2],
    ]);
    expect(file.payments.map((p) => [p.kind, p.amount, p.paymentDate])).toEqual([
      ['payment', '1000.00', '2026-11-25'],
      ['payment', '500.00', '2026-11-25'],
      ['payment', '750.25', '2026-11-26'],
      ['payment', '100.00', '2026-11-26'],
      ['deduction', '25.00', '2026-11-26'],
    ]);
  });

  it('R-PAY-2: references of every type are read as given (an unknown OCR is still an OCR)', () => {
    const file = parseBgMax(fixture('unmatched-ocr.bgmax'));
    expect(file.payments.map((p) => [p.reference, p.referenceType])).toEqual([
      ['90000000118', 'ocr'],
      ['98888888116', 'ocr'],
      ['FAKTURA 17', 'one'],
    ]);
  });

  it.each([
    ['malformed-record-type.bgmax', 5, /unknown record type "99"/],
    ['malformed-count.bgmax', 6, /end record says 3 payment records, the file has 2/],
    ['malformed-amount.bgmax', 4, /amount \(positions 38–55\) must be 18 digits/],
    ['truncated.bgmax', 5, /a record is 80 characters, this one is 51/],
  ])('R-PAY-2: %s is refused whole with line %i and the reason', (name, line, reason) => {
    const refused = refusal(name);
    expect(refused.line).toBe(line);
    expect(refused.reason).toMatch(reason);
  });

  it('R-PAY-2: a file cut after a whole record, a wrong deposit sum and a missing start are refused too', () => {
    const lines = fixture('valid.bgmax').split('\r\n').filter(Boolean);
    expect(() => parseBgMax(lines.slice(0, 7).join('\n'))).toThrow(/no end record \(70\): it is truncated/);
    expect(() => parseBgMax(lines.slice(0, 5).join('\n'))).toThrow(/ends inside the section opened on line 2/);
    const wrongSum = [...lines];
    wrongSum[6] = wrongSum[6]!.slice(0, 50) + '000000000000373451' + wrongSum[6]!.slice(68);
    expect(() => parseBgMax(wrongSum.join('\n'))).toThrow(/line 7: the deposit amount 3734.51 is not/);
    expect(() => parseBgMax(lines.slice(1).join('\n'))).toThrow(/line 1: a BgMax file starts with a start record/);
    expect(() => parseBgMax('')).toThrow(/the file is empty/);
  });
});
