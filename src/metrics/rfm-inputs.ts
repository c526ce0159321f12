/**
 * RFM's per-customer inputs (metrics.md "RFM") by directory position: the customer-initiated
 * transactions over [from, to] (recency in customers.ts) and who is in the population (a
 * transaction in the window, or an account open on as-of). Plain typed arrays: crm report
 * computes them on the report thread while the main thread answers the tier population's questions.
 */
import type { Db } from '../db/connection.js';
import { customerIds, forEachCustomerWithOpenAccounts } from '../db/segment-queries.js';
import { DataError } from '../errors.js';
import { recency, type RecencyColumns } from './customers.js';
import { positionsIn } from '../db/positions.js';
import type { IdList } from '../db/columns.js';

export interface RfmInputs extends RecencyColumns {
  /** Customers in the directory the positions refer to (customer_id order). */
  customers: number;
}

/** The RFM window of `asOf`: [from, to]. `ids`: the customer directory (default: read here). */
export function rfmInputs(db: Db, asOf: string, from: string, to: string, ids: IdList = customerIds(db)): RfmInputs {
  const x = recency(db, from, to, ids);
  // The population: a transaction in the window (present), or an account open on as-of.
  const at = positionsIn(ids);
  forEachCustomerWithOpenAccounts(db, asOf, (id) => {
    const i = at(id);
    if (i >= 0) x.present[i] = 1;
  });
  return { ...x, customers: ids.length };
}

/** `x` when it was computed over a directory of `customers` customers; else the table changed in between. */
export function sameDirectory(x: RfmInputs, customers: number): RfmInputs {
  if (x.customers !== customers) throw new DataError('the customers table changed while the report was computed: run it again');
  return x;
}
