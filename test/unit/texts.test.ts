/** The application's and the complaint's texts: Swedish, with the figures, never a rule id. */
import { makeOffer } from '../../domain/application';
import * as applicationTexts from '../../texts/application';
import * as complaintTexts from '../../texts/complaint';

const RULE_ID = /R-[A-Z]+-\d/;

describe('texts of the application and the complaint', () => {
  const offer = makeOffer({
    amount: '100000',
    termMonths: 60,
    nominalRatePercent: '9.95',
    noticeChannel: 'autogiro',
    offeredAtMs: Date.parse('2026-03-02T10:00:00Z'),
    today: '2026-03-02',
  });
  const reference = 'A0123456789';
  const link = applicationTexts.applicationLink('https://x.example/a/', 'app-1', 'code 1');

  it('links carry the invite code, escaped', () => {
    expect(link).toBe('https://x.example/a/app-1?invite=code%201');
    expect(applicationTexts.applicationLink('https://x.example/a', 'app-1', null)).toBe('https://x.example/a/app-1');
  });

  it('R-APP-7: the open-banking provider returns the applicant to the application page', () => {
    expect(applicationTexts.incomeVerificationReturnLink('https://x.example/a/', 'app-1')).toBe(
      'https://x.example/a/app-1/inkomst/tillbaka',
    );
  });

  it('the signing text names the offer and, for a consolidation, the power of attorney', () => {
    const plain = applicationTexts.signingText(reference, { ...offer, noticeChannel: 'e-invoice' }, []);
    expect(plain.split('\n')).toHaveLength(4);
    expect(plain).toContain(`Låneavtal ${reference}`);
    expect(plain).not.toContain('autogiro');
    // R-PAY-3, R-PROD-2: with autogiro, the offer's signature is also the mandate.
    const autogiro = applicationTexts.signingText(reference, offer, []);
    expect(autogiro.split('\n')).toHaveLength(5);
    expect(autogiro).toContain('Medgivande till autogiro');
    const consolidation = applicationTexts.signingText(reference, offer, [
      { creditor: 'Bank', amount: '10000.00', bankgiro: '1234567', ocr: '1234567890' },
    ]);
    expect(consolidation).toContain('Fullmakt att lösa 1 lån');
  });

  it('no text a customer, vendor or officer reads shows a rule id', () => {
    const texts = [
      applicationTexts.invitationMessage({ reference, link, reminder: false }),
      applicationTexts.invitationMessage({ reference, link, reminder: true }),
      applicationTexts.vendorSubmittedMessage({ reference, contractNumber: '100000017' }),
      applicationTexts.incomeVerificationMessage({ reference, redirectUrl: link, deadline: '2026-03-16T10:00:00Z' }),
      applicationTexts.offerMessage({ ...offer, reference, link }),
      applicationTexts.decisionRejectedMessage({ reference }),
      applicationTexts.offerNotice({ ...offer, reference }),
      applicationTexts.rejectedNotice({ reference }),
      applicationTexts.payoutNotice({
        reference,
        contractNumber: '100000017',
        amount: '100000.00',
        executionDate: '2026-03-03',
      }),
      applicationTexts.identificationText(reference),
      applicationTexts.signingText(reference, offer, []),
      complaintTexts.complaintReceivedText({
        contractNumber: '1',
        subject: 's',
        receivedOn: '2026-03-02',
        answerDueOn: '2026-03-16',
      }),
      complaintTexts.complaintAnswerText({
        contractNumber: '1',
        subject: 's',
        receivedOn: '2026-03-02',
        answer: 'Svar.',
      }),
      ...(['escalation', 'overdue'] as const).map((reason) =>
        complaintTexts.complaintOfficerText({
          reason,
          complaintId: 'c',
          contractNumber: '1',
          receivedOn: '2026-03-02',
          answerDueOn: '2026-03-16',
        }),
      ),
    ];
    for (const text of texts) expect(JSON.stringify(text)).not.toMatch(RULE_ID);
  });
});
