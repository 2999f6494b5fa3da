/**
 * Which scenario events the simulator can play today. Borrower behaviour (miss an invoice, stop
 * paying, a dated payment) needs only the payment path; the loan's actions (rate change,
 * payment-free month, early repayment, withdrawal) are the loan workflow's updates
 * (workflows/loan-messages.ts) and a complaint starts the complaint workflow (R-LOAN-9), all played
 * by simulator/actions.ts. An event still unsupported would be refused with a message listing what
 * the loan workflow does expose, read from the module itself.
 */
import * as loanWorkflowModule from '../workflows/loan-messages';
import type { Scenario, ScenarioEventType, ScenarioIssue } from './scenario';

type Support = { supported: true } | { supported: false; needs: string };

/** One place to switch an event on once the loan workflow takes it (and the runner plays it). */
export const EVENT_SUPPORT: Record<ScenarioEventType, Support> = {
  'miss-invoice': { supported: true },
  'stop-paying': { supported: true },
  payment: { supported: true },
  'rate-change': { supported: true },
  'payment-free-month': { supported: true },
  'early-repayment': { supported: true },
  withdrawal: { supported: true },
  complaint: { supported: true },
};

export interface LoanWorkflowMessages {
  signals: string[];
  updates: string[];
  queries: string[];
}

/** The signals, updates and queries workflows/loan-messages.ts defines, by their Temporal names. */
export function loanWorkflowMessages(): LoanWorkflowMessages {
  const out: LoanWorkflowMessages = { signals: [], updates: [], queries: [] };
  for (const value of Object.values(loanWorkflowModule as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const { type, name } = value as { type?: unknown; name?: unknown };
    if (typeof name !== 'string') continue;
    if (type === 'signal') out.signals.push(name);
    else if (type === 'update') out.updates.push(name);
    else if (type === 'query') out.queries.push(name);
  }
  return out;
}

/** One issue per event the simulator cannot play yet. */
export function unsupportedEventIssues(scenario: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  let exposes: string | undefined;
  scenario.events.forEach((event, i) => {
    const support = EVENT_SUPPORT[event.type];
    if (support.supported) return;
    if (!exposes) {
      const m = loanWorkflowMessages();
      const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
      exposes = `signals: ${list(m.signals)}; updates: ${list(m.updates)}`;
    }
    issues.push({
      field: `events[${i}].type`,
      message: `"${event.type}" is not supported yet: the simulator cannot ask the loan workflow for ${support.needs}; workflows/loan.ts exposes ${exposes}`,
    });
  });
  return issues;
}
