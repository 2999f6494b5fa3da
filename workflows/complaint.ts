/**
 * One durable workflow per complaint (R-LOAN-9), id `complaint-<id>`: "a complaint is answered in
 * writing within 14 days; an unanswered complaint is escalated before that deadline".
 *
 * - On receipt the customer gets a written acknowledgement with the due date in their mailbox.
 * - A durable timer waits for the answer until the escalation date (domain/complaint.ts: receipt
 *   + `complaintEscalationDays`, default 10, moved back to a banking day). Unanswered by then, the
 *   complaints officer is emailed and the complaint becomes ESCALATED.
 * - A second timer runs to the morning after the due date: still unanswered, the officer is
 *   emailed again and the view says `overdue`. The workflow keeps waiting: only an answer ends it.
 * - The operator's answer (`answerComplaint` update; its validator refuses an empty answer and a
 *   second answer before anything enters history) goes to the customer in writing (a mailbox
 *   message through `sendNotice`), is recorded, and closes the complaint, escalated or not.
 *
 * Timers fire at 05:00 UTC of their business date (that Stockholm date all year). No search
 * attributes: the engine registers none for complaints, and the customer's words must never
 * leave the encrypted payloads (R-SEC-2).
 */
import {
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { idempotencyKey } from '../domain/idempotency';
import type { ComplaintActivities } from '../activities/complaints';
import type { NoticeActivities } from '../activities/notices';
import { answeredInTime, answerViolations, businessMorningMs, complaintDeadlines } from '../domain/complaint';
import type { ComplaintStatus } from '../domain/complaint';
import { addDays, stockholmDate } from '../domain/dates';
import { complaintAnswerText, complaintReceivedText, type NoticeText } from '../texts/complaint';
import { answerComplaintUpdate, complaintViewQuery } from './complaint-messages';
import {
  type ComplaintAnswer,
  type ComplaintInput,
  type ComplaintOutcome,
  type ComplaintView,
} from '../domain/complaint-state';
import { refuseUpdate } from './refusal';

// --- activities ----------------------------------------------------------------------------------

const acts = proxyActivities<ComplaintActivities & Pick<NoticeActivities, 'sendNotice'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

function today(): string {
  return stockholmDate(new Date()); // the workflow clock (R-TIME-1)
}

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintOutcome> {
  const { workflowId } = workflowInfo();
  const deadlines = complaintDeadlines(input.receivedOn);
  const s = {
    status: 'RECEIVED' as ComplaintStatus,
    escalatedOn: null as string | null,
    officerNotified: null as boolean | null,
    overdue: false,
    answeredOn: null as string | null,
    answeredBy: null as string | null,
    /** The accepted answer, until the flow has delivered and recorded it. */
    pending: null as ComplaintAnswer | null,
  };

  const view = (): ComplaintView => ({
    complaintId: input.complaintId,
    loanId: input.loanId,
    status: s.status,
    receivedOn: deadlines.receivedOn,
    escalateOn: deadlines.escalateOn,
    answerDueOn: deadlines.answerDueOn,
    escalatedOn: s.escalatedOn,
    officerNotified: s.officerNotified,
    overdue: s.overdue,
    answeredOn: s.answeredOn,
    answeredBy: s.answeredBy,
    answeredInTime: s.answeredOn === null ? null : answeredInTime(s.answeredOn, deadlines.answerDueOn),
  });
  const details = (step: string) => setCurrentDetails(`**${s.status}** — ${step}`);

  setHandler(complaintViewQuery, view);
  setHandler(
    answerComplaintUpdate,
    async (answer) => {
      s.pending = answer;
      await condition(() => s.status === 'ANSWERED');
      return view();
    },
    {
      validator: (answer) => {
        if (s.pending !== null || s.status === 'ANSWERED')
          refuseUpdate('conflict', 'the complaint has already been answered', { rule: 'R-LOAN-9' });
        const violations = answerViolations(answer?.answer);
        if (violations.length > 0) refuseUpdate('invalid', 'invalid answer', { violations });
        if (typeof answer.answeredBy !== 'string' || answer.answeredBy.length === 0)
          refuseUpdate('invalid', 'invalid answer', { violations: [{ field: 'answeredBy', message: 'required' }] });
      },
    },
  );

  /** A mailbox notice. A refusal for good is not fatal (sendNotice records the message before it notifies). */
  const notice = async (step: string, kind: string, text: NoticeText, date: string): Promise<boolean> => {
    try {
      await acts.sendNotice({
        idempotencyKey: idempotencyKey(workflowId, step),
        customerId: input.customerId,
        loanId: input.loanId,
        kind,
        subject: text.subject,
        body: text.body,
        date,
      });
      return true;
    } catch (err) {
      if (isCancellation(err)) throw err;
      return false;
    }
  };
  const tellOfficer = async (reason: 'escalation' | 'overdue'): Promise<boolean> => {
    try {
      await acts.notifyComplaintsOfficer({
        idempotencyKey: idempotencyKey(workflowId, reason),
        complaintId: input.complaintId,
        reason,
      });
      return true;
    } catch (err) {
      if (isCancellation(err)) throw err;
      return false;
    }
  };
  const answered = () => s.pending !== null;
  const until = (date: string) => Math.max(1, businessMorningMs(date) - Date.now());

  // R-LOAN-9: the customer learns in writing when the answer is due.
  details(`answer due ${deadlines.answerDueOn}, escalation ${deadlines.escalateOn}`);
  await notice(
    'received',
    'complaint-received',
    complaintReceivedText({ ...input, answerDueOn: deadlines.answerDueOn }),
    input.receivedOn,
  );

  // R-LOAN-9: unanswered by the escalation date → the complaints officer, before the deadline.
  if (!(await condition(answered, until(deadlines.escalateOn)))) {
    const escalatedOn = today();
    s.officerNotified = await tellOfficer('escalation');
    await acts.recordComplaintEscalation({ complaintId: input.complaintId, escalatedOn });
    if (s.status === 'RECEIVED') {
      s.status = 'ESCALATED';
      s.escalatedOn = escalatedOn;
    }
    details(`escalated on ${escalatedOn}; answer due ${deadlines.answerDueOn}`);

    // Past the due date and still unanswered: the officer again; keep waiting for the answer.
    if (!(await condition(answered, until(addDays(deadlines.answerDueOn, 1))))) {
      s.overdue = true;
      await tellOfficer('overdue');
      details(`overdue since ${addDays(deadlines.answerDueOn, 1)}`);
      await condition(answered);
    }
  }

  // The written answer: to the customer's mailbox, then the record that closes the complaint.
  const answer = s.pending!;
  const answeredOn = today();
  await notice('answer', 'complaint-answer', complaintAnswerText({ ...input, answer: answer.answer }), answeredOn);
  const recorded = await acts.recordComplaintAnswer({
    complaintId: input.complaintId,
    answer: answer.answer,
    answeredBy: answer.answeredBy,
    answeredOn,
  });
  s.status = 'ANSWERED';
  s.answeredOn = recorded.answeredOn;
  s.answeredBy = recorded.answeredBy;
  details(`answered on ${s.answeredOn}`);
  await condition(allHandlersFinished);
  return {
    status: 'ANSWERED',
    answeredOn: s.answeredOn,
    answeredInTime: answeredInTime(s.answeredOn, deadlines.answerDueOn),
    escalatedOn: s.escalatedOn,
  };
}
