/**
 * The complaint workflow's messages (workflows/complaint.ts), imported by the API: the operator's
 * written answer, whose validator refuses an empty or a second answer (workflows/refusal.ts), and
 * the view.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ComplaintAnswer, ComplaintView } from '../domain/complaint-state';

/** R-LOAN-9: the operator's written answer. Refused (400/409) when empty or when already answered. */
export const answerComplaintUpdate = defineUpdate<ComplaintView, [ComplaintAnswer]>('answerComplaint');
export const complaintViewQuery = defineQuery<ComplaintView>('complaintView');
