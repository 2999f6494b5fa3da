/**
 * R-APP-3: a vendor's reminder that arrives right after creation, while the workflow is still
 * writing its first projection and has not yet sent the invitation. An activity interceptor holds
 * that first projection until the reminder has been accepted, so the ordering is forced, not left
 * to a busy machine. A server of its own: the held activity must not hold other tests' clocks.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { WorkflowUpdateStage } from '@temporalio/client';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { hashInviteCode, listApplicants, listApplicationEvents } from '../../db/application-repository';
import { reminderUpdate } from '../../workflows/application-messages';
import {
  type ApplicationTestEnv,
  applicationInput,
  newPerson,
  startApplicationTestEnv,
  waitFor,
} from '../support/application';

/** Holds the `created` projection of the applications named in `held` until `release`. */
class FirstProjectionGate {
  readonly held = new Set<string>();
  readonly reached = new Set<string>();
  private opened = new Map<string, () => void>();
  private waits = new Map<string, Promise<void>>();

  hold(applicationId: string): void {
    this.held.add(applicationId);
    this.waits.set(applicationId, new Promise((resolve) => this.opened.set(applicationId, resolve)));
  }

  release(applicationId: string): void {
    this.opened.get(applicationId)?.();
  }

  interceptor(): ActivityInboundCallsInterceptor {
    return {
      execute: async (input, next) => {
        const arg = input.args[0] as { snapshot?: { id: string }; event?: { type: string } } | undefined;
        const id = arg?.snapshot?.id;
        if (id && arg.event?.type === 'created' && this.held.has(id)) {
          this.reached.add(id);
          await this.waits.get(id);
        }
        return next(input);
      },
    };
  }
}

describe('application workflow: a reminder right after creation (R-APP-3)', () => {
  const gate = new FirstProjectionGate();
  let t: ApplicationTestEnv;
  beforeAll(async () => {
    t = await startApplicationTestEnv({ interceptors: { activity: [() => ({ inbound: gate.interceptor() })] } });
  });
  afterEach(async () => t.cleanUp());
  afterAll(async () => t?.stop());

  it('sends the invitation to the address given at creation and the reminder, with a fresh code, to the new one', async () => {
    const person = newPerson();
    const input = applicationInput({ applicants: [person], createdBy: 'vendor' });
    const originalCode = input.applicants[0]!.inviteCode!;
    gate.hold(input.applicationId);
    const h = await t.start(input);
    await waitFor(
      async () => gate.reached.has(input.applicationId),
      (reached) => reached,
      'the first projection, before the invitation',
    );

    // The reminder is accepted while the invitation has not gone out yet.
    const newEmail = `right-${randomUUID().slice(0, 8)}@example.com`;
    const newCode = randomBytes(16).toString('base64url');
    const update = await h.startUpdate(reminderUpdate, {
      args: [{ applicantIndex: 0, email: newEmail, phone: '070-999 88 77', inviteCode: newCode, actorId: 'v' }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    gate.release(input.applicationId);
    expect(await update.result()).toEqual({ applicantIndex: 0, reminder: 1, email: true, sms: true });

    // One mail and one SMS per event: the invitation to the creation's address with its code…
    const invitations = await t.sandbox.sandbox.email.listMessages({ to: person.email });
    expect(invitations.map((m) => m.subject)).toEqual([`Din låneansökan ${input.reference}`]);
    expect(invitations[0]!.text).toContain(`invite=${originalCode}`);
    const invitationSms = (await t.sandbox.sandbox.sms.listMessages({ to: person.phone })).filter((m) =>
      m.text.includes(input.applicationId),
    );
    expect(invitationSms).toHaveLength(1);
    expect(invitationSms[0]!.text).toContain(originalCode);

    // …the reminder to the new address, with a fresh code: the old link identifies no one.
    const reminders = await t.sandbox.sandbox.email.listMessages({ to: newEmail });
    expect(reminders.map((m) => m.subject)).toEqual([`Påminnelse om låneansökan ${input.reference}`]);
    expect(reminders[0]!.text).toContain(`invite=${newCode}`);
    expect(reminders[0]!.text).not.toContain(originalCode);
    const reminderSms = (await t.sandbox.sandbox.sms.listMessages({ to: '+46709998877' })).filter((m) =>
      m.text.includes(input.applicationId),
    );
    expect(reminderSms).toHaveLength(1);
    expect(reminderSms[0]!.text).toContain(newCode);

    expect((await listApplicants(t.db, input.applicationId))[0]).toMatchObject({
      email: newEmail,
      phone: '+46709998877',
      invite_code_hash: hashInviteCode(newCode),
    });
    const events = (await listApplicationEvents(t.db, input.applicationId)).map((e) => e.type);
    expect(events).toEqual(['created', 'reminder-sent']);
  });
});
