/**
 * Applications (R-APP-1…10, R-SEC-1): customers create, answer, submit, accept and sign, cancel;
 * vendors create on a customer's behalf, list (R-APP-4's pending and submitted lists), read, delete
 * and remind; operators read any application and its history. Reads come from the PostgreSQL
 * projection the workflow keeps current (lists never query workflows); actions are workflow
 * updates whose validators answer synchronously. Someone else's application is a 404.
 *
 * Longer than 400 lines: the 13 application endpoints share the wire schemas and the mapping from
 * the projection to the views.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  type ApplicantRow,
  type ApplicationRow,
  deleteUnstartedApplication,
  findApplication,
  findVendor,
  hashInviteCode,
  listAllApplications,
  listApplicants,
  listApplicationEvents,
  listApplicationPayouts,
  listCustomerApplications,
  listVendorPending,
  listVendorSubmitted,
  projectApplication,
  upsertVendor,
} from '../../db/application-repository';
import {
  answerViolations,
  type ApplicantAnswers,
  checkAccountNumber,
  checkApplicantCount,
  checkCitizenship,
  checkClearingNumber,
  checkConsolidationCount,
  checkDebtCount,
  checkEmail,
  checkHouseholdAdults,
  checkHouseholdChildren,
  checkSwedishMobile,
  type ApplicantStatus,
  APPLICATION_STATUSES,
  applicationReference,
  applicationValidUntil,
  type ApplicationStatus,
  DEBT_KINDS,
  type Decision,
  EMPLOYMENTS,
  HOUSING_KINDS,
  isPending,
  isTerminal,
  LOAN_PURPOSES,
  newApplicationViolations,
  type Offer,
  vendorStatusOf,
} from '../../domain/application';
import { stockholmDate } from '../../domain/dates';
import { formatAmount, parseAmount } from '../../domain/money';
import { type FieldViolation, refusal } from '../../domain/refusal';
import { DEFAULT_PRODUCT, NOTICE_CHANNELS, type NoticeChannel } from '../../domain/product';
import type { Principal } from '../auth';
import { applicationWorkflow } from '../../workflows/application';
import {
  acceptOfferUpdate,
  answersQuery,
  answersUpdate,
  identifyUpdate,
  reminderUpdate,
  withdrawUpdate,
} from '../../workflows/application-messages';
import {
  type ApplicationInput,
  applicationWorkflowId,
  type BankIdStart,
  type IncomeVerificationState,
  initialSnapshot,
} from '../../domain/application-state';
import type { ApiDeps } from '../deps';
import {
  conflict,
  forbidden,
  isWorkflowGone,
  notFound,
  ProblemError,
  refusalOf,
  refusalProblem,
  undoCreate,
} from '../problem';
import { endUserIp } from '../security';
import type { ApiRoutes } from '../routing';
import { amountString, checkedBy } from '../schemas';
import { z } from '../zod';

// --- schemas -------------------------------------------------------------------------------------
// The checks with a rule or a limit are the domain's (domain/application.ts `check…`), the ones the
// workflow's update validators run; the limits are DEFAULT_PRODUCT's.

const LIMITS = DEFAULT_PRODUCT.application;

const money = z.string().regex(/^\d+\.\d{2}$/);
const idParams = z.object({ id: z.uuid('not an application id') });

const bankAccount = z
  .strictObject({
    clearingNumber: checkedBy(z.string(), checkClearingNumber),
    accountNumber: checkedBy(z.string(), checkAccountNumber),
  })
  .openapi('BankAccount');

const answerFields = {
  employment: z.enum(EMPLOYMENTS),
  monthlyIncome: amountString.describe('gross monthly income before tax, SEK').openapi({ example: '45000.00' }),
  housing: z.enum(HOUSING_KINDS),
  monthlyHousingCost: amountString.describe("the applicant's own monthly housing cost, SEK"),
  householdAdults: checkedBy(z.number().int(), checkHouseholdAdults)
    .openapi({ minimum: 1, maximum: LIMITS.maxHouseholdAdults })
    .describe('adults in the household, the applicant included'),
  householdChildren: checkedBy(z.number().int(), checkHouseholdChildren).openapi({
    minimum: 0,
    maximum: LIMITS.maxHouseholdChildren,
  }),
  debts: checkedBy(
    z.array(z.strictObject({ kind: z.enum(DEBT_KINDS), balance: amountString, monthlyPayment: amountString })),
    checkDebtCount,
  )
    .openapi({ maxItems: LIMITS.maxDebts })
    .describe('debts that remain (loans to consolidate are listed in the application, not here)'),
  citizenship: checkedBy(z.string(), checkCitizenship).describe('ISO 3166-1 alpha-2, such as SE'),
  taxResidentOutsideSweden: z.boolean(),
  politicallyExposedPerson: z.boolean(),
  purpose: z.enum(LOAN_PURPOSES),
  payoutAccount: bankAccount.optional().describe('main applicant only: where the loan is paid out (R-APP-9)'),
};
const answersSchema = z
  .strictObject(answerFields)
  .openapi('ApplicantAnswers', { description: 'Affordability (KALP) and KYC answers of one applicant' });
const draftSchema = z
  .strictObject(answersSchema.partial().shape)
  .openapi('ApplicantAnswersDraft', { description: 'Any subset of the answers (saved, not submitted)' });

const consolidationLoan = z
  .strictObject({
    creditor: z.string(),
    amount: amountString,
    bankgiro: z.string().describe('7–8 digits'),
    ocr: z.string().describe("the creditor's OCR reference for the loan"),
  })
  .openapi('ConsolidationLoan');

const createBody = z
  .strictObject({
    amount: amountString.openapi({ example: '100000' }),
    termMonths: z.number().int().openapi({ example: 60 }),
    noticeChannel: z.enum(NOTICE_CHANNELS as [NoticeChannel, ...NoticeChannel[]]).openapi({ example: 'e-invoice' }),
    applicants: checkedBy(
      z.array(
        z.strictObject({
          personnummer: z.string().openapi({ example: '19811228-9874' }),
          email: z.string().openapi({ example: 'anna@example.com' }),
          phone: z.string().openapi({ example: '070-123 45 67' }),
        }),
      ),
      checkApplicantCount,
    )
      .openapi({ minItems: 1, maxItems: LIMITS.maxApplicants })
      .describe('the main applicant first, optionally a co-applicant (R-APP-1)'),
    consolidation: checkedBy(z.array(consolidationLoan), checkConsolidationCount)
      .openapi({ maxItems: LIMITS.maxConsolidationLoans })
      .optional()
      .describe('loans to redeem from the payout (R-APP-10)'),
  })
  .openapi('NewApplication');

/** The body of a new application (the API's and the vendor page's). */
export const newApplicationBody = createBody;
export type NewApplicationBody = z.infer<typeof createBody>;

const applicantView = z.object({
  index: z.number().int(),
  role: z.enum(['main', 'co']),
  status: z.enum(['NOT_STARTED', 'STARTED', 'SUBMITTED', 'SIGNED']),
  identified: z.boolean(),
  you: z.boolean().describe('the caller acts as this applicant'),
  personnummer: z.string().optional().describe('masked: birth date only (vendors and operators)'),
  email: z.string().optional(),
  phone: z.string().optional(),
});

const offerView = z
  .object({
    amount: money,
    termMonths: z.number().int(),
    nominalRatePercent: money,
    noticeChannel: z.string(),
    monthlyPayment: money,
    aprPercent: money.describe('effective annual rate (R-PROD-5)'),
    totalCost: money,
    totalPayable: money,
    assumedPayoutDate: z.string(),
    offeredAt: z.string(),
    validUntil: z.string().describe('R-APP-9: 30 days'),
  })
  .openapi('Offer');

const applicationView = z
  .object({
    id: z.string(),
    reference: z.string(),
    status: z.enum(APPLICATION_STATUSES),
    vendorStatus: z
      .enum(['NOT_STARTED', 'STARTED', 'SUBMITTED'])
      .nullable()
      .describe('R-APP-4 (null once expired, deleted or cancelled unsubmitted)'),
    step: z.string(),
    createdBy: z.enum(['customer', 'vendor']),
    vendorId: z.string().nullable(),
    contractNumber: z.string().nullable(),
    amount: money,
    termMonths: z.number().int(),
    noticeChannel: z.string(),
    createdAt: z.string(),
    validUntil: z.string().describe('R-APP-5: 7 days to submit'),
    submittedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    applicants: z.array(applicantView),
    decision: z
      .object({
        outcome: z.enum(['APPROVED', 'REJECTED']),
        reasons: z.array(z.string()).optional(),
        nominalRatePercent: z.string().optional(),
        riskGrade: z.string().optional(),
        affordability: z.record(z.string(), z.string()).optional(),
      })
      .nullable(),
    offer: offerView.nullable(),
    incomeVerification: z
      .object({
        status: z.string(),
        deadline: z.string(),
        applicants: z.array(
          z.object({ index: z.number().int(), status: z.string(), redirectUrl: z.string().optional() }),
        ),
      })
      .nullable(),
    consolidation: z.array(z.object({ creditor: z.string(), amount: money })),
    payoutStatus: z.string().nullable(),
    payouts: z.array(z.object({ leg: z.string(), amount: money, executionDate: z.string(), status: z.string() })),
    loanId: z.string().nullable(),
  })
  .openapi('Application');

const summaryView = z
  .object({
    id: z.string(),
    reference: z.string(),
    status: z.enum(APPLICATION_STATUSES),
    vendorStatus: z.enum(['NOT_STARTED', 'STARTED', 'SUBMITTED']).nullable(),
    contractNumber: z.string().nullable(),
    vendorId: z.string().nullable(),
    amount: money,
    termMonths: z.number().int(),
    createdAt: z.string(),
    validUntil: z.string(),
    submittedAt: z.string().nullable(),
  })
  .openapi('ApplicationSummary');

const bankIdStarted = z
  .object({
    applicantIndex: z.number().int(),
    orderRef: z.string(),
    autoStartToken: z.string().describe('opens the BankID app: bankid:///?autostarttoken=…'),
    qrStartToken: z.string(),
  })
  .openapi('BankIdOrderStarted');

const answersView = z
  .object({
    applicantIndex: z.number().int(),
    status: z.enum(['NOT_STARTED', 'STARTED', 'SUBMITTED', 'SIGNED']),
    answers: draftSchema.nullable(),
    prefill: z
      .object({ fromReference: z.string(), submittedOn: z.string(), answers: draftSchema })
      .nullable()
      .describe('R-APP-6: answers of a recent application by the same person, to confirm'),
  })
  .openapi('ApplicantAnswersView');

const listQuery = z.strictObject({
  list: z.enum(['pending', 'submitted']).optional().describe('vendors: the R-APP-4 list (default pending)'),
  status: z.enum(APPLICATION_STATUSES).optional().describe('operators: filter by status'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

// --- mapping -------------------------------------------------------------------------------------

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function maskedPersonnummer(p: string): string {
  return `${p.slice(0, 8)}-****`;
}

function summaryOf(row: ApplicationRow) {
  const status = row.status as ApplicationStatus;
  return {
    id: row.id,
    reference: row.reference,
    status,
    vendorStatus: vendorStatusOf(status, row.contract_number),
    contractNumber: row.contract_number,
    vendorId: row.vendor_id,
    amount: formatAmount(parseAmount(row.amount)),
    termMonths: row.term_months,
    createdAt: iso(row.created_at)!,
    validUntil: iso(row.valid_until)!,
    submittedAt: iso(row.submitted_at),
  };
}

export interface Loaded {
  row: ApplicationRow;
  applicants: ApplicantRow[];
  /** The applicant index the calling customer acts as, if any. */
  applicantIndex: number | null;
}

/** R-SEC-1: operators see everything, vendors their own, customers theirs; anything else is a 404. */
export async function load(deps: ApiDeps, id: string, principal: Principal): Promise<Loaded> {
  // Both at once: one round trip's wait (an unknown id finds no applicants either).
  const [row, applicants] = await Promise.all([findApplication(deps.db, id), listApplicants(deps.db, id)]);
  const missing = notFound(`no application ${id}`);
  if (!row) throw missing;
  const own = applicants.find((a) => principal.role === 'customer' && a.customer_id === principal.sub);
  if (principal.role === 'vendor' && row.vendor_id !== principal.vendorId) throw missing;
  if (principal.role === 'customer' && !own && row.creator_customer_id !== principal.sub) throw missing;
  return { row, applicants, applicantIndex: own ? own.idx : null };
}

export async function toView(deps: ApiDeps, loaded: Loaded, principal: Principal) {
  const { row, applicants } = loaded;
  const role = principal.role;
  const decision = row.decision as Decision | null;
  const incomeVerification = row.income_verification as IncomeVerificationState | null;
  const payouts = role === 'vendor' ? [] : await listApplicationPayouts(deps.db, row.id);
  return {
    ...summaryOf(row),
    vendorStatus: vendorStatusOf(
      row.status as ApplicationStatus,
      row.contract_number,
      applicants.map((a) => a.status as ApplicantStatus),
    ),
    step: row.step,
    createdBy: row.created_by as 'customer' | 'vendor',
    noticeChannel: row.notice_channel,
    decidedAt: iso(row.decided_at),
    closedAt: iso(row.closed_at),
    applicants: applicants.map((a) => ({
      index: a.idx,
      role: a.idx === 0 ? ('main' as const) : ('co' as const),
      status: a.status as ApplicantStatus,
      identified: a.identified_at !== null,
      you: loaded.applicantIndex === a.idx,
      // Contact details are for the vendor who typed them and for operators (R-SEC-1, R-SEC-2);
      // after the retention period they are erased (db/retention-repository.ts) and left out.
      ...(role !== 'customer' && row.personal_data_erased_at === null
        ? { personnummer: maskedPersonnummer(a.personnummer), email: a.email, phone: a.phone }
        : {}),
    })),
    decision: !decision
      ? null
      : role === 'vendor'
        ? { outcome: decision.outcome }
        : {
            outcome: decision.outcome,
            reasons: decision.reasons,
            ...(decision.nominalRatePercent ? { nominalRatePercent: decision.nominalRatePercent } : {}),
            ...(decision.riskGrade ? { riskGrade: decision.riskGrade } : {}),
            ...(role === 'operator' && decision.affordability
              ? { affordability: decision.affordability as unknown as Record<string, string> }
              : {}),
          },
    offer: role === 'vendor' ? null : ((row.offer as Offer | null) ?? null),
    incomeVerification:
      !incomeVerification || role === 'vendor'
        ? null
        : {
            status: incomeVerification.status,
            deadline: incomeVerification.deadline,
            applicants: incomeVerification.applicants.map((v) => ({
              index: v.index,
              status: v.status,
              // The consent link is the applicant's own.
              ...(loaded.applicantIndex === v.index ? { redirectUrl: v.redirectUrl } : {}),
            })),
          },
    consolidation: (row.consolidation_loans as { creditor: string; amount: string }[]).map((l) => ({
      creditor: l.creditor,
      amount: formatAmount(parseAmount(l.amount)),
    })),
    payoutStatus: row.payout_status,
    payouts: payouts.map((p) => ({
      leg: p.leg,
      amount: formatAmount(parseAmount(p.amount)),
      executionDate: p.execution_date,
      status: p.status,
    })),
    loanId: row.loan_id,
  };
}

/** Field violations found by the API's own checks, as the same problem a workflow's refusal gives. */
function fieldProblem(violations: FieldViolation[]): ProblemError {
  return refusalProblem(refusal('invalid', 'invalid body', { violations }));
}

/** Maps a refused update (validator or handler) or a closed workflow to a problem. */
async function runUpdate<T>(row: ApplicationRow, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const refused = refusalOf(err);
    if (refused) throw refusalProblem(refused);
    if (isWorkflowGone(err)) throw conflict(`the application is ${row.status}`);
    throw err;
  }
}

export { endUserIp };

function requireCustomerApplicant(loaded: Loaded): number {
  if (loaded.applicantIndex === null) throw conflict('identify with BankID first (POST …/identification)');
  return loaded.applicantIndex;
}

const applicationHandle = (deps: ApiDeps, row: ApplicationRow) =>
  deps.temporal.workflow.getHandle<typeof applicationWorkflow>(row.workflow_id);

// --- actions shared by the routes and the pages (web/) -------------------------------------------

/**
 * R-APP-3: starts BankID identification as the invited applicant (by the link's invite code) or as
 * the applicant the customer already acts as. Someone else's application is a 404.
 */
export async function startIdentification(
  deps: ApiDeps,
  input: { applicationId: string; principal: Principal; inviteCode?: string; endUserIp: string },
): Promise<BankIdStart> {
  const p = input.principal;
  const row = await findApplication(deps.db, input.applicationId);
  const missing = notFound(`no application ${input.applicationId}`);
  if (!row) throw missing;
  const applicants = await listApplicants(deps.db, input.applicationId);
  const invited = input.inviteCode
    ? applicants.find((a) => a.invite_code_hash === hashInviteCode(input.inviteCode!))
    : undefined;
  const bound = applicants.find((a) => a.customer_id === p.sub);
  const applicant = bound ?? invited;
  if (!applicant) throw missing;
  if (applicant.identified_at !== null) throw conflict('already identified');
  if (!isPending(row.status as ApplicationStatus)) throw conflict(`the application is ${row.status}`);
  return runUpdate(row, () =>
    applicationHandle(deps, row).executeUpdate(identifyUpdate, {
      args: [{ applicantIndex: applicant.idx, customerId: p.sub, endUserIp: input.endUserIp }],
    }),
  );
}

/** R-APP-4, R-APP-6: saves (or, with `submit`, submits) the calling applicant's answers. */
export async function saveApplicantAnswers(
  deps: ApiDeps,
  input: { applicationId: string; principal: Principal; answers: Partial<ApplicantAnswers>; submit: boolean },
): Promise<Loaded> {
  const p = input.principal;
  const loaded = await load(deps, input.applicationId, p);
  const index = requireCustomerApplicant(loaded);
  const violations = answerViolations(input.answers, { complete: input.submit, mainApplicant: index === 0 });
  if (violations.length > 0) throw fieldProblem(violations);
  const applicant = loaded.applicants[index]!;
  if (applicant.status === 'SUBMITTED' || applicant.status === 'SIGNED') {
    throw conflict('the applicant has already submitted');
  }
  if (!isPending(loaded.row.status as ApplicationStatus)) throw conflict(`the application is ${loaded.row.status}`);
  await runUpdate(loaded.row, () =>
    applicationHandle(deps, loaded.row).executeUpdate(answersUpdate, {
      args: [{ applicantIndex: index, customerId: p.sub, answers: input.answers, submit: input.submit }],
    }),
  );
  return load(deps, input.applicationId, p);
}

/** R-APP-9: accepting the offer starts the calling applicant's BankID signature. */
export async function startOfferSignature(
  deps: ApiDeps,
  input: { applicationId: string; principal: Principal; endUserIp: string },
): Promise<BankIdStart> {
  const p = input.principal;
  const loaded = await load(deps, input.applicationId, p);
  const index = requireCustomerApplicant(loaded);
  const status = loaded.row.status as ApplicationStatus;
  if (status === 'OFFER_EXPIRED') throw conflict('the offer has expired (R-APP-9)');
  if (status !== 'OFFERED') throw conflict(`there is no open offer (the application is ${status})`);
  return runUpdate(loaded.row, () =>
    applicationHandle(deps, loaded.row).executeUpdate(acceptOfferUpdate, {
      args: [{ applicantIndex: index, customerId: p.sub, endUserIp: input.endUserIp }],
    }),
  );
}

/** The calling applicant's saved answers and the R-APP-6 prefill (a workflow query). */
export async function applicantAnswers(deps: ApiDeps, loaded: Loaded) {
  const index = requireCustomerApplicant(loaded);
  if (isTerminal(loaded.row.status as ApplicationStatus)) {
    throw conflict(`the application is ${loaded.row.status}`);
  }
  return applicationHandle(deps, loaded.row).query(answersQuery, index);
}

/** R-APP-1…3: a new application (the projection first, then its workflow); its view for the creator. */
export async function createApplication(deps: ApiDeps, principal: Principal, body: NewApplicationBody) {
  const now = new Date();
  const { violations, applicants } = newApplicationViolations(
    { ...body, consolidation: body.consolidation ?? [] },
    stockholmDate(now),
  );
  if (violations.length > 0) throw fieldProblem(violations);
  const p = principal;
  const isVendor = p.role === 'vendor';
  const input: ApplicationInput = {
    applicationId: randomUUID(),
    reference: applicationReference([...randomBytes(9)]),
    createdBy: isVendor ? 'vendor' : 'customer',
    vendorId: isVendor ? p.vendorId : null,
    creatorCustomerId: isVendor ? null : p.sub,
    amount: formatAmount(parseAmount(body.amount)),
    termMonths: body.termMonths,
    noticeChannel: body.noticeChannel,
    applicants: applicants.map((a, i) => ({
      ...a,
      customerId: !isVendor && i === 0 ? p.sub : null,
      inviteCode: !isVendor && i === 0 ? null : randomBytes(16).toString('base64url'),
    })),
    consolidation: (body.consolidation ?? []).map((l) => ({ ...l, amount: formatAmount(parseAmount(l.amount)) })),
    linkBaseUrl: deps.config.APPLICATION_LINK_BASE_URL,
    createdAt: now.toISOString(),
    // The invitation names the shop.
    ...(isVendor ? { vendorName: (await findVendor(deps.db, p.vendorId))?.name ?? null } : {}),
  };
  // The projection first, so the application can be read as soon as this answers.
  const snapshot = initialSnapshot(input, input.createdAt!, applicationValidUntil(now.getTime()));
  await projectApplication(deps.db, snapshot);
  try {
    await deps.temporal.workflow.start(applicationWorkflow, {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId: applicationWorkflowId(input.reference),
      args: [input],
      staticSummary: `Application ${input.reference}${input.vendorId ? ` (vendor ${input.vendorId})` : ''}`,
    });
  } catch (err) {
    // Already started: an earlier attempt of this very call got through; carry on.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      // No workflow, no application: a row nothing would ever move on is removed again.
      await undoCreate(deps.logger, 'application', input.applicationId, err, () =>
        deleteUnstartedApplication(deps.db, input.applicationId, snapshot.version),
      );
    }
  }
  const loaded = await load(deps, input.applicationId, p);
  return toView(deps, loaded, p);
}

/** R-APP-3: a vendor deletes (a customer cancels) an application until its payout starts. */
export async function deleteApplication(deps: ApiDeps, p: Principal, id: string) {
  const loaded = await load(deps, id, p);
  if (isTerminal(loaded.row.status as ApplicationStatus)) throw conflict(`the application is ${loaded.row.status}`);
  return runUpdate(loaded.row, () =>
    applicationHandle(deps, loaded.row).executeUpdate(withdrawUpdate, {
      args: [{ by: p.role === 'vendor' ? 'vendor' : 'customer', actorId: p.role === 'vendor' ? p.vendorId : p.sub }],
    }),
  );
}

/**
 * R-APP-3: a reminder to an applicant who has not submitted, optionally to a changed e-mail or
 * phone; a changed address gets a fresh invitation code (the workflow decides).
 */
export async function sendReminder(
  deps: ApiDeps,
  p: Principal,
  id: string,
  body: { applicantIndex: number; email?: string; phone?: string },
) {
  const loaded = await load(deps, id, p);
  if (!loaded.applicants[body.applicantIndex]) throw notFound(`no applicant ${body.applicantIndex}`);
  if (!isPending(loaded.row.status as ApplicationStatus)) throw conflict(`the application is ${loaded.row.status}`);
  return runUpdate(loaded.row, () =>
    applicationHandle(deps, loaded.row).executeUpdate(reminderUpdate, {
      args: [
        {
          applicantIndex: body.applicantIndex,
          ...(body.email !== undefined ? { email: body.email } : {}),
          ...(body.phone !== undefined ? { phone: body.phone } : {}),
          inviteCode: randomBytes(16).toString('base64url'),
          actorId: p.role === 'vendor' ? p.vendorId : p.sub,
        },
      ],
    }),
  );
}

// --- routes --------------------------------------------------------------------------------------

export function applicationRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/v1/applications',
    operationId: 'createApplication',
    summary: 'Create an application (a customer for themself, or a vendor on a customer’s behalf)',
    description:
      'R-APP-1…3. A customer is the main applicant. A vendor-created application sends every applicant a link by email ' +
      'and SMS; a co-applicant always gets one. Each applicant then identifies with BankID (the identified person must ' +
      'be the one named), answers and submits within 7 days (R-APP-5).',
    tags: ['applications'],
    auth: ['customer', 'vendor'],
    body: createBody,
    responses: {
      201: { description: 'created', schema: applicationView },
      503: { description: 'the workflow service is unavailable: nothing was created, try again' },
    },
    handler: async ({ body, principal, res }) => {
      const view = await createApplication(deps, principal!, body);
      res.setHeader('location', `/v1/applications/${view.id}`);
      return { status: 201, body: view };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/applications',
    operationId: 'listApplications',
    summary: 'List applications: a customer’s own, a vendor’s pending or submitted list (R-APP-4), or all (operators)',
    description:
      'Vendors: `list=pending` (NOT_STARTED or STARTED, still within the 7 days of R-APP-5) or `list=submitted` (with a ' +
      'contract number). Read from the projection; newest first.',
    tags: ['applications'],
    auth: ['customer', 'vendor', 'operator'],
    query: listQuery,
    responses: { 200: { description: 'the applications', schema: z.object({ items: z.array(summaryView) }) } },
    handler: async ({ query, principal }) => {
      const page = { limit: query.limit, offset: query.offset };
      const p = principal!;
      const rows =
        p.role === 'vendor'
          ? query.list === 'submitted'
            ? await listVendorSubmitted(deps.db, p.vendorId, page)
            : await listVendorPending(deps.db, p.vendorId, new Date(), page)
          : p.role === 'customer'
            ? await listCustomerApplications(deps.db, p.sub, page)
            : await listAllApplications(deps.db, { status: query.status }, page);
      return { status: 200, body: { items: rows.map(summaryOf) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/applications/:id',
    operationId: 'getApplication',
    summary: 'An application: status, reference, contract number, applicants, decision, offer, payout, loan',
    tags: ['applications'],
    auth: ['customer', 'vendor', 'operator'],
    params: idParams,
    responses: { 200: { description: 'the application', schema: applicationView } },
    handler: async ({ params, principal }) => {
      const loaded = await load(deps, params.id, principal!);
      return { status: 200, body: await toView(deps, loaded, principal!) };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/applications/:id/identification',
    operationId: 'identifyApplicant',
    summary: 'Start BankID identification as an applicant (R-APP-3)',
    description:
      'An invited applicant gives the `inviteCode` from the link. BankID only lets the named person complete the ' +
      'order; then the caller acts as that applicant. Poll `GET /v1/applications/{id}` for `identified`.',
    tags: ['applications'],
    auth: ['customer'],
    params: idParams,
    body: z.strictObject({ inviteCode: z.string().min(1).max(100).optional() }).openapi('IdentificationRequest'),
    responses: {
      409: { description: 'already identified, or the application is no longer pending' },
      202: { description: 'the BankID order', schema: bankIdStarted },
    },
    handler: async ({ params, body, principal, req }) => {
      const order = await startIdentification(deps, {
        applicationId: params.id,
        principal: principal!,
        ...(body.inviteCode !== undefined ? { inviteCode: body.inviteCode } : {}),
        endUserIp: endUserIp(req),
      });
      return { status: 202, body: order };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/applications/:id/answers',
    operationId: 'getAnswers',
    summary: 'The caller’s answers, and earlier answers to confirm (R-APP-6 prefill)',
    tags: ['applications'],
    auth: ['customer'],
    params: idParams,
    responses: { 200: { description: 'answers and prefill', schema: answersView } },
    handler: async ({ params, principal }) => {
      const loaded = await load(deps, params.id, principal!);
      return { status: 200, body: await applicantAnswers(deps, loaded) };
    },
  });

  const saveAnswers =
    (submit: boolean) =>
    async (ctx: { params: { id: string }; body: Partial<ApplicantAnswers>; principal: Principal | undefined }) => {
      const p = ctx.principal!;
      const after = await saveApplicantAnswers(deps, {
        applicationId: ctx.params.id,
        principal: p,
        answers: ctx.body,
        submit,
      });
      return { status: 200, body: await toView(deps, after, p) };
    };

  routes.add({
    method: 'put',
    path: '/v1/applications/:id/answers',
    operationId: 'saveAnswers',
    summary: 'Save answers without submitting (the application becomes STARTED, R-APP-4)',
    tags: ['applications'],
    auth: ['customer'],
    params: idParams,
    body: draftSchema,
    responses: {
      409: { description: 'the applicant has submitted already, or the application is no longer pending' },
      200: { description: 'the application', schema: applicationView },
    },
    handler: saveAnswers(false),
  });

  routes.add({
    method: 'post',
    path: '/v1/applications/:id/submission',
    operationId: 'submitAnswers',
    summary: 'Submit the caller’s answers; when every applicant has, the application gets its contract number',
    description: 'R-APP-2, R-APP-4. A second submission is a 409. The vendor is emailed on submission.',
    tags: ['applications'],
    auth: ['customer'],
    params: idParams,
    body: answersSchema,
    responses: {
      409: { description: 'already submitted, or the application is no longer pending' },
      200: { description: 'the application', schema: applicationView },
    },
    handler: saveAnswers(true),
  });

  routes.add({
    method: 'post',
    path: '/v1/applications/:id/acceptance',
    operationId: 'acceptOffer',
    summary: 'Accept the offer: starts the caller’s BankID signature (R-APP-9)',
    description: 'Every applicant signs; the payout follows the last signature. An expired offer is a 409.',
    tags: ['applications'],
    auth: ['customer'],
    params: idParams,
    body: z.strictObject({}).openapi('OfferAcceptance', { description: 'empty: nothing to send' }),
    responses: {
      409: { description: 'the offer has expired or is no longer open' },
      202: { description: 'the BankID sign order', schema: bankIdStarted },
    },
    handler: async ({ params, principal, req }) => {
      const order = await startOfferSignature(deps, {
        applicationId: params.id,
        principal: principal!,
        endUserIp: endUserIp(req),
      });
      return { status: 202, body: order };
    },
  });

  routes.add({
    method: 'delete',
    path: '/v1/applications/:id',
    operationId: 'deleteApplication',
    summary: 'Delete (vendor) or cancel (customer) an application, until the payout starts (R-APP-3)',
    tags: ['applications'],
    auth: ['customer', 'vendor'],
    params: idParams,
    responses: {
      409: { description: 'the application has ended or its payout has started' },
      200: { description: 'the final status', schema: z.object({ status: z.enum(APPLICATION_STATUSES) }) },
    },
    handler: async ({ params, principal }) => ({
      status: 200,
      body: await deleteApplication(deps, principal!, params.id),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/applications/:id/reminders',
    operationId: 'sendReminder',
    summary: 'Send a reminder to an applicant who has not submitted, optionally to a changed email or phone (R-APP-3)',
    description:
      'A changed `email` or `phone` gets a new link (a fresh invitation code); the earlier link no longer identifies ' +
      'the applicant. Sent after the invitation, which goes to the address given at creation.',
    tags: ['applications'],
    auth: ['vendor'],
    params: idParams,
    body: z
      .strictObject({
        applicantIndex: z.number().int().min(0).max(1).default(0),
        // The workflow's validator checks the same (domain/application.ts contactViolations).
        email: checkedBy(z.string(), checkEmail).optional().openapi({ example: 'anna@example.com' }),
        phone: checkedBy(z.string(), checkSwedishMobile).optional().openapi({ example: '070-123 45 67' }),
      })
      .openapi('ReminderRequest'),
    responses: {
      409: { description: 'the applicant has submitted already, or the application is no longer pending' },
      200: {
        description: 'sent',
        schema: z.object({
          applicantIndex: z.number().int(),
          reminder: z.number().int(),
          email: z.boolean(),
          sms: z.boolean(),
        }),
      },
    },
    handler: async ({ params, body, principal }) => ({
      status: 200,
      body: await sendReminder(deps, principal!, params.id, body),
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/applications/:id/history',
    operationId: 'getApplicationHistory',
    summary: 'What happened to an application, step by step (operators; no personal data)',
    tags: ['applications'],
    auth: ['operator'],
    params: idParams,
    responses: {
      200: {
        description: 'the events, oldest first',
        schema: z.object({
          workflowId: z.string(),
          events: z.array(
            z.object({
              seq: z.number().int(),
              type: z.string(),
              status: z.string(),
              actor: z.string().nullable(),
              detail: z.record(z.string(), z.unknown()),
              occurredAt: z.string(),
            }),
          ),
        }),
      },
    },
    handler: async ({ params, principal }) => {
      const loaded = await load(deps, params.id, principal!);
      const events = await listApplicationEvents(deps.db, loaded.row.id);
      return {
        status: 200,
        body: {
          workflowId: loaded.row.workflow_id,
          events: events.map((e) => ({
            seq: e.seq,
            type: e.type,
            status: e.status,
            actor: e.actor,
            detail: e.detail as Record<string, unknown>,
            occurredAt: iso(e.occurred_at)!,
          })),
        },
      };
    },
  });

  const vendorBody = z
    .strictObject({ name: z.string().min(1).max(200), email: z.email() })
    .openapi('VendorAccount', { description: 'where the vendor is told that an application was submitted (R-APP-4)' });
  const vendorView = z
    .object({ id: z.string().describe('the vendor id of the token'), name: z.string(), email: z.string() })
    .openapi('Vendor', { description: 'the vendor’s registered name and notification email' });

  routes.add({
    method: 'put',
    path: '/v1/vendors/me',
    operationId: 'registerVendor',
    summary: 'Register the vendor’s name and notification email (R-APP-4: a mail on every submission)',
    tags: ['applications'],
    auth: ['vendor'],
    body: vendorBody,
    responses: { 200: { description: 'the vendor', schema: vendorView } },
    handler: async ({ body, principal }) => {
      const p = principal!;
      if (p.role !== 'vendor') throw forbidden('vendors only');
      const vendor = await upsertVendor(deps.db, { id: p.vendorId, name: body.name, email: body.email });
      return { status: 200, body: { id: vendor.id, name: vendor.name, email: vendor.email } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/vendors/me',
    operationId: 'getVendor',
    summary: 'The vendor’s registered name and notification email',
    tags: ['applications'],
    auth: ['vendor'],
    responses: {
      404: { description: 'no name and email registered for this vendor yet' },
      200: { description: 'the vendor', schema: vendorView },
    },
    handler: async ({ principal }) => {
      const p = principal!;
      const vendor = p.role === 'vendor' ? await findVendor(deps.db, p.vendorId) : undefined;
      if (!vendor) throw notFound('no email registered for this vendor (PUT /v1/vendors/me)');
      return { status: 200, body: { id: vendor.id, name: vendor.name, email: vendor.email } };
    },
  });
}
