/**
 * Bankgirot BgMax (Bankgiro Inbetalningar), the incoming-payments file (R-PAY-2): fixed-width
 * records of 80 characters in ISO-8859-1, one per line. The layout as Bankgirot's technical manual
 * describes it (positions 1-based, inclusive):
 *
 *   01 start       3–22 layout name "BGMAX", 23–24 version, 25–44 timestamp (YYYYMMDDhhmmss + µs),
 *                  45 test mark (T test, P production)
 *   05 opening     3–12 payee bankgiro, 13–22 payee plusgiro, 23–25 currency (SEK)
 *   20 payment     3–12 payer bankgiro, 13–37 reference, 38–55 amount in öre, 56 reference code,
 *                  57 payment channel, 58–69 BGC serial number, 70 image mark
 *   21 deduction   as 20, and 71 deduction code
 *   22/23 extra reference (positive/negative), as 20 (references beyond the first)
 *   25 information, 26 name, 27/28 address, 29 organisation number: text about the last payment
 *   15 deposit     3–37 payee bank account, 38–45 payment date (YYYYMMDD), 46–50 deposit serial,
 *                  51–68 deposit amount in öre, 69–71 currency, 72–79 number of payments,
 *                  80 deposit type (K, D, S or blank)
 *   70 end         3–10 payments (20), 11–18 deductions (21), 19–26 extra references (22, 23),
 *                  27–34 deposits (15)
 *
 * A file is 01, then sections (05, payments with their records, 15), then 70. Anything else —
 * an unknown record type, a record out of place, a field that is not what it must be, counts or
 * amounts that do not add up, a file cut short — refuses the file whole, naming the line and the
 * reason: nothing of a malformed file is imported.
 */
import { isIsoDate, type IsoDate } from '../../domain/dates';
import { Decimal, formatAmount, sumAmounts } from '../../domain/money';

export const BGMAX_RECORD_LENGTH = 80;

/** Reference codes of a payment record (position 56). */
export const BGMAX_REFERENCE_CODES = {
  '0': 'none',
  '1': 'none',
  '2': 'ocr',
  '3': 'several',
  '4': 'one',
  '5': 'incorrect',
} as const;
export type BgMaxReferenceType = (typeof BGMAX_REFERENCE_CODES)[keyof typeof BGMAX_REFERENCE_CODES];

export interface BgMaxPayment {
  /** 1-based line of the payment (20) or deduction (21) record. */
  line: number;
  kind: 'payment' | 'deduction';
  payerBankgiro: string | null;
  /** The reference as given (trimmed); empty when there is none. */
  reference: string;
  referenceType: BgMaxReferenceType;
  /** SEK, two decimals ("1234.50"), from öre. */
  amount: string;
  paymentChannel: string;
  /** Bankgirot's serial number of the payment: unique per payment. */
  bgcSerial: string;
  /** From the deposit record: the day the payment reached the payee's bankgiro (its value date). */
  paymentDate: IsoDate;
  depositSerial: string;
  payerName: string | null;
  /** References beyond the first (22, 23), with their amounts. */
  extraReferences: { reference: string; amount: string; negative: boolean }[];
}

export interface BgMaxDeposit {
  line: number;
  payeeBankgiro: string;
  payeeAccount: string;
  paymentDate: IsoDate;
  serial: string;
  amount: string;
  paymentCount: number;
}

export interface BgMaxFile {
  /** From the start record: YYYYMMDDhhmmss and six digits of microseconds. */
  timestamp: string;
  version: string;
  test: boolean;
  payeeBankgiros: string[];
  deposits: BgMaxDeposit[];
  payments: BgMaxPayment[];
}

/** A malformed file, refused whole: the line (1-based) and the reason. */
export class BgMaxFormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'BgMaxFormatError';
  }
}

/** Bankgirot delivers ISO-8859-1 (Latin-1): every byte is one character. */
export function decodeBgMax(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

class Record {
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}
  get type(): string {
    return this.text.slice(0, 2);
  }
  /** Positions `from`–`to`, 1-based inclusive, as in the manual. */
  field(from: number, to: number): string {
    return this.text.slice(from - 1, to);
  }
  fail(reason: string): never {
    throw new BgMaxFormatError(this.line, reason);
  }
  digits(from: number, to: number, name: string): string {
    const v = this.field(from, to);
    if (!/^\d+$/.test(v)) this.fail(`${name} (positions ${from}–${to}) must be ${to - from + 1} digits, is "${v}"`);
    return v;
  }
  /** An amount in öre, zero-padded. */
  amount(from: number, to: number, name: string): string {
    const ore = this.digits(from, to, name);
    return formatAmount(new Decimal(ore).dividedBy(100));
  }
  date(from: number, name: string): IsoDate {
    const v = this.digits(from, from + 7, name);
    const iso = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
    if (!isIsoDate(iso)) this.fail(`${name} "${v}" is not a date`);
    return iso;
  }
  /** Leading zeros and blanks off; null when nothing is left. */
  number(from: number, to: number): string | null {
    const v = this.field(from, to).trim().replace(/^0+/, '');
    return v === '' ? null : v;
  }
}

const KNOWN_TYPES = new Set(['01', '05', '20', '21', '22', '23', '25', '26', '27', '28', '29', '15', '70']);

/** Parses a decoded BgMax file; throws BgMaxFormatError (line and reason) for any malformation. */
export function parseBgMax(text: string): BgMaxFile {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new BgMaxFormatError(1, 'the file is empty');
  const records = lines.map((l, i) => new Record(l, i + 1));
  for (const r of records) {
    if (!KNOWN_TYPES.has(r.type)) r.fail(`unknown record type "${r.type}"`);
    if (r.text.length !== BGMAX_RECORD_LENGTH)
      r.fail(`a record is ${BGMAX_RECORD_LENGTH} characters, this one is ${r.text.length}`);
  }

  const start = records[0]!;
  if (start.type !== '01') start.fail(`a BgMax file starts with a start record (01), not ${start.type}`);
  if (start.field(3, 22).trim() !== 'BGMAX') start.fail(`layout name must be BGMAX, is "${start.field(3, 22).trim()}"`);
  const version = start.digits(23, 24, 'layout version');
  const timestamp = start.digits(25, 44, 'timestamp');
  if (!isIsoDate(`${timestamp.slice(0, 4)}-${timestamp.slice(4, 6)}-${timestamp.slice(6, 8)}`))
    start.fail(`timestamp "${timestamp}" is not a date`);
  const testMark = start.field(45, 45);
  if (testMark !== 'T' && testMark !== 'P') start.fail(`test mark must be T or P, is "${testMark}"`);

  const deposits: BgMaxDeposit[] = [];
  const payments: BgMaxPayment[] = [];
  const counts = { payments: 0, deductions: 0, extraReferences: 0, deposits: 0 };
  let section: { opening: Record; bankgiro: string; payments: BgMaxPayment[] } | undefined;
  let last: BgMaxPayment | undefined;
  let end: Record | undefined;

  for (const r of records.slice(1)) {
    if (end) r.fail(`no record may follow the end record (70) on line ${end.line}`);
    switch (r.type) {
      case '01':
        r.fail('a second start record (01)');
        break;
      case '05': {
        if (section) r.fail(`an opening record (05) inside the section opened on line ${section.opening.line}`);
        const bankgiro = r.number(3, 12) ?? r.fail('the opening record (05) names no payee bankgiro');
        if (!/^\d{7,8}$/.test(bankgiro)) r.fail(`payee bankgiro "${r.field(3, 12)}" is not a bankgiro number`);
        const currency = r.field(23, 25);
        if (currency !== 'SEK') r.fail(`currency must be SEK, is "${currency}"`);
        section = { opening: r, bankgiro, payments: [] };
        last = undefined;
        break;
      }
      case '20':
      case '21': {
        if (!section)
          return r.fail(`a ${r.type === '20' ? 'payment (20)' : 'deduction (21)'} record outside a section`);
        const code = r.field(56, 56);
        if (!(code in BGMAX_REFERENCE_CODES)) r.fail(`reference code must be 0–5, is "${code}"`);
        const channel = r.field(57, 57);
        if (!/^[1-4]$/.test(channel)) r.fail(`payment channel must be 1–4, is "${channel}"`);
        const payment: BgMaxPayment = {
          line: r.line,
          kind: r.type === '20' ? 'payment' : 'deduction',
          payerBankgiro: r.number(3, 12),
          reference: r.field(13, 37).trim(),
          referenceType: BGMAX_REFERENCE_CODES[code as keyof typeof BGMAX_REFERENCE_CODES],
          amount: r.amount(38, 55, 'amount'),
          paymentChannel: channel,
          bgcSerial: r.digits(58, 69, 'BGC serial number'),
          paymentDate: '', // from the deposit record that closes the section
          depositSerial: '',
          payerName: null,
          extraReferences: [],
        };
        if (payment.referenceType === 'ocr' && !/^\d{2,25}$/.test(payment.reference))
          r.fail(`reference code 2 (OCR) with a reference that is not 2–25 digits: "${payment.reference}"`);
        section.payments.push(payment);
        last = payment;
        if (r.type === '20') counts.payments++;
        else counts.deductions++;
        break;
      }
      case '22':
      case '23': {
        if (!last) return r.fail(`an extra reference record (${r.type}) without a payment before it`);
        last.extraReferences.push({
          reference: r.field(13, 37).trim(),
          amount: r.amount(38, 55, 'amount'),
          negative: r.type === '23',
        });
        counts.extraReferences++;
        break;
      }
      case '25':
      case '27':
      case '28':
      case '29':
        if (!last) return r.fail(`an information record (${r.type}) without a payment before it`);
        break;
      case '26':
        if (!last) return r.fail('a name record (26) without a payment before it');
        last.payerName = r.field(3, 37).trim() || null;
        break;
      case '15': {
        if (!section) return r.fail('a deposit record (15) without an opening record (05) before it');
        const paymentDate = r.date(38, 'payment date');
        const serial = r.digits(46, 50, 'deposit serial number');
        const amount = r.amount(51, 68, 'deposit amount');
        const currency = r.field(69, 71);
        if (currency !== 'SEK') r.fail(`currency must be SEK, is "${currency}"`);
        const paymentCount = Number(r.digits(72, 79, 'number of payments'));
        const type = r.field(80, 80);
        if (!/^[KDS ]$/.test(type)) r.fail(`deposit type must be K, D, S or blank, is "${type}"`);
        const inSection = section.payments.filter((p) => p.kind === 'payment');
        if (paymentCount !== inSection.length)
          r.fail(`the deposit says ${paymentCount} payments, the section has ${inSection.length}`);
        const sum = sumAmounts(section.payments.map((p) => new Decimal(p.amount).times(p.kind === 'payment' ? 1 : -1)));
        if (!sum.equals(new Decimal(amount)))
          r.fail(`the deposit amount ${amount} is not the section's payments less deductions, ${formatAmount(sum)}`);
        for (const p of section.payments) {
          p.paymentDate = paymentDate;
          p.depositSerial = serial;
          payments.push(p);
        }
        deposits.push({
          line: r.line,
          payeeBankgiro: section.bankgiro,
          payeeAccount: r.field(3, 37).trim(),
          paymentDate,
          serial,
          amount,
          paymentCount,
        });
        counts.deposits++;
        section = undefined;
        last = undefined;
        break;
      }
      case '70': {
        if (section) r.fail(`the section opened on line ${section.opening.line} has no deposit record (15)`);
        const expect = (from: number, name: string, actual: number) => {
          const stated = Number(r.digits(from, from + 7, `number of ${name}`));
          if (stated !== actual) r.fail(`the end record says ${stated} ${name}, the file has ${actual}`);
        };
        expect(3, 'payment records', counts.payments);
        expect(11, 'deduction records', counts.deductions);
        expect(19, 'extra reference records', counts.extraReferences);
        expect(27, 'deposit records', counts.deposits);
        end = r;
        break;
      }
    }
  }
  const lastLine = records[records.length - 1]!.line;
  if (!end) {
    if (section)
      throw new BgMaxFormatError(
        lastLine,
        `the file ends inside the section opened on line ${section.opening.line}: it is truncated`,
      );
    throw new BgMaxFormatError(lastLine, 'the file has no end record (70): it is truncated');
  }
  return {
    timestamp,
    version,
    test: testMark === 'T',
    payeeBankgiros: [...new Set(deposits.map((d) => d.payeeBankgiro))],
    deposits,
    payments,
  };
}
