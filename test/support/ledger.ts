import type { Db } from '../../db/database';
import { unbalancedLoans } from '../../db/ledger-repository';

/** The ledger invariant, asserted at the end of every test that touches money. */
export async function expectLedgerBalanced(db: Db): Promise<void> {
  expect(await unbalancedLoans(db)).toEqual([]);
}
