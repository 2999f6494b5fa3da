import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEBTOR_PRESET_NAMES, debtorPreset } from '../../simulator/debtor';
import { parseScenario, parseScenarioText, ScenarioError, withDebtor } from '../../simulator/scenario';
import { debtorPlan } from '../../workflows/simulated-debtor';

const goesToCollection = () => ({
  loan: { amount: '30000', termMonths: 24, nominalRatePercent: '9.95', noticeChannel: 'autogiro' },
  borrower: { paysDaysBeforeDue: 5 },
  events: [{ type: 'stop-paying', fromInvoice: 2 }] as unknown[],
  end: { untilClosed: true },
});

function fieldsOf(document: unknown): string[] {
  try {
    parseScenario(document);
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map((i) => `${i.field}: ${i.message}`);
    throw err;
  }
  throw new Error('expected the scenario to be refused');
}

describe("the simulator scenario's debtor (R-COLL-2…7)", () => {
  it('examples/collection.json names the plan-kept debtor; every preset parses to its acts', () => {
    const scenario = parseScenarioText(readFileSync(path.join(__dirname, '../../examples/collection.json'), 'utf8'));
    expect(scenario.debtor).toEqual(debtorPreset('plan-kept'));
    expect(scenario.debtor!.acts[0]).toMatchObject({ type: 'propose-plan', months: 24, pays: { daysBeforeDue: 3 } });
    for (const preset of DEBTOR_PRESET_NAMES) {
      expect(parseScenario({ ...goesToCollection(), debtor: { preset } }).debtor).toEqual(debtorPreset(preset));
    }
  });

  it('takes acts of every kind, keeping only the fields given', () => {
    const acts = [
      { type: 'postpone', day: 2, days: 30 },
      {
        type: 'propose-plan',
        day: 40,
        monthlyAmount: '1500.00',
        dayOfMonth: 25,
        pays: { daysBeforeDue: 2, miss: [3] },
      },
      { type: 'dispute', day: 41, reason: 'Fel belopp.' },
      { type: 'answer-dispute', day: 50, outcome: 'upheld', answer: 'Rättat.', reduceBy: '100.00' },
      { type: 'pay', day: 60, amount: 'all' },
      { type: 'write-off', day: 70, reason: 'Dödsbo utan tillgångar.' },
    ];
    expect(parseScenario({ ...goesToCollection(), debtor: { acts } }).debtor).toEqual({ acts });
  });

  it('names each bad debtor field', () => {
    expect(fieldsOf({ ...goesToCollection(), debtor: { preset: 'pays-never' } })).toEqual([
      expect.stringMatching(/^debtor\.preset: must be one of no-reaction, /),
    ]);
    expect(fieldsOf({ ...goesToCollection(), debtor: { preset: 'plan-kept', acts: [] } })).toEqual([
      'debtor: give exactly one of {"preset": "<name>"} or {"acts": [...]}',
    ]);
    const bad = fieldsOf({
      ...goesToCollection(),
      debtor: {
        acts: [
          { type: 'pay', day: -1, amount: '0' },
          { type: 'propose-plan', day: 3, dayOfMonth: 25 },
          { type: 'shout', day: 1 },
        ],
      },
    });
    expect(bad).toEqual([
      expect.stringMatching(/^debtor\.acts\[0\]\.day: /),
      expect.stringMatching(/^debtor\.acts\[0\]\.amount: /),
      'debtor.acts[1]: give exactly one of monthlyAmount or months',
      expect.stringMatching(/^debtor\.acts\[2\]\.type: must be one of pay, postpone, /),
    ]);
  });

  it('refuses a debtor for a loan that does not go to collection, in the file and on the command line', () => {
    const paying = { ...goesToCollection(), events: [] };
    expect(fieldsOf({ ...paying, debtor: { preset: 'pay-in-full' } })).toEqual([
      'debtor: a debtor needs a loan that goes to collection: add a stop-paying event or {"never": true}',
    ]);
    expect(() => withDebtor(parseScenario(paying), debtorPreset('postpone'))).toThrow(ScenarioError);
    expect(withDebtor(parseScenario(goesToCollection()), debtorPreset('postpone')).debtor?.preset).toBe('postpone');
  });

  it('plays the acts by day, then as written', () => {
    const order = debtorPlan([
      { type: 'pay', day: 9, amount: 'all' },
      { type: 'dispute', day: 2, reason: 'a' },
      { type: 'answer-dispute', day: 2, outcome: 'rejected', answer: 'b' },
    ]).map((p) => p.index);
    expect(order).toEqual([1, 2, 0]);
  });
});
