/** `crm watch --help`: what each signal means and examples (docs/watch.md has the full rules). */
export const WATCH_HELP = `
Signals (defaults; override them in a watch: section of the --tiers file or in --rules FILE):
  attrition         AUM ADB of the last 30 days at least 30% below the 30 days before (when that
                    was at least 50,000 CNY), or a net AUM outflow of at least 100,000 CNY in 30 days
  upgrade           tier measure within 10% below the next tier's threshold, AUM ADB of the last
                    30 days above the 30 days before
  downgrade         AUM ADB below the tier's threshold in each of the last 3 whole months (the tier
                    of the month before them)
  dormant_valuable  AUM ADB at least 100,000 CNY and no customer-initiated transaction in 90 days
                    (interest and fees are not customer activity)
  unassigned        valuable customers (personal VIP and above, corporate Core and Key) with no RM
  loan_downgrade    a loan whose class moved from normal to a worse one in the last 30 days

One row per customer and signal, sorted by RM, then by value at stake (AUM ADB; a loan's
balance). value and threshold are in CNY or percent, as the measure's suffix says (_cny, _pct).
A customer with nothing to flag is not listed; an empty list is not an error (exit 0).

Examples:
  crm watch
  crm watch --rm R001 --signal attrition,dormant_valuable
  crm watch --as-of 2026-11-27 --format csv --out watch.csv
  crm watch --by-rm calls/                 # calls/R001.csv, calls/R002.csv, …
  crm watch --rules samples/watch.yaml --lang zh
Exit 0 on success (also with an empty list), 1 on data problems, 2 on bad options or files.`;
