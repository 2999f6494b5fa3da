import { Decimal } from '../../domain/money';
import type { ScheduleRequest } from '../../domain/schedule';

/** The published worked example: 100 000 SEK, 60 months, 9.95 %, autogiro, paid out 2026-03-10. */
export const WORKED_EXAMPLE: ScheduleRequest = {
  amount: new Decimal('100000'),
  termMonths: 60,
  nominalRatePercent: new Decimal('9.95'),
  noticeChannel: 'autogiro',
  payoutDate: '2026-03-10',
};
