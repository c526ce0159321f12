"""crm's tier summary, customer detail and RM report on Spark, from the Parquet folder
`crm export --parquet DIR` writes (one branch or many), with the SQL of sql/ (the files crm's
DuckDB engine runs). Writes segment_summary.csv, segment_detail.csv and rm_report.csv into OUT
with crm's columns and number formats (default tiers and pricing, --format csv, --lang en).

    spark-submit scripts/spark/crm_reports.py --data s3a://bank/crm/province --out /tmp/month-end \
        [--as-of 2026-11-30] [--window 90] [--period 2026-11]

See docs/scale-out.md. Local mode: `pip install pyspark` (it ships Spark) and a JDK 17.
"""
import argparse
import csv
import datetime as dt
import os
import re
from decimal import ROUND_HALF_UP, Decimal

SQL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'sql')
TABLES = ['customers', 'customer_rm_history', 'accounts', 'balances', 'txn_daily', 'rms', 'fx_rates', 'snapshot_dates', 'targets']
SHARED = {'rms', 'fx_rates', 'snapshot_dates', 'targets'}
SPREADS = {'demand_deposit': 0.02, 'time_deposit': 0.01, 'wealth': 0.006, 'fund': 0.008, 'insurance': 0.01, 'bond': 0.003,
           'loan': 0.018, 'credit_card': 0.08}
RISK = {'normal': 0.01, 'special_mention': 0.02, 'substandard': 0.25, 'doubtful': 0.5, 'loss': 1.0}
COSTS = {'counter': 800, 'self_service': 170, 'e_banking': 35}
# (customer_type, rank, code, name_en, method, measure, min_fen, share): samples/tiers.yaml.
LADDER = [
    ('personal', 0, 'mass', 'Mass', 'thresholds', 'aum_adb', None, None),
    ('personal', 1, 'vip', 'VIP', 'thresholds', 'aum_adb', 10000000, None),
    ('personal', 2, 'affluent', 'Affluent', 'thresholds', 'aum_adb', 50000000, None),
    ('personal', 3, 'wealth', 'Wealth', 'thresholds', 'aum_adb', 200000000, None),
    ('personal', 4, 'private', 'Private', 'thresholds', 'aum_adb', 800000000, None),
    ('corporate', 0, 'standard', 'Standard', 'quantiles', 'contribution', None, None),
    ('corporate', 1, 'core', 'Core', 'quantiles', 'contribution', None, 0.3),
    ('corporate', 2, 'key', 'Key', 'quantiles', 'contribution', None, 0.2),
]
DORMANT_FLOOR_FEN = 100000


def day_num(iso):
    return (dt.date.fromisoformat(iso) - dt.date(1970, 1, 1)).days


def add_days(iso, n):
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=n)).isoformat()


def sql_statements(name, params):
    with open(os.path.join(SQL_DIR, name), encoding='utf-8') as f:
        text = f.read()
    text = re.sub(r'\$\{(\w+)\}', lambda m: str(params[m.group(1)]), text)
    parts = re.split(r';\s*$', text, flags=re.M)
    return [s for s in (re.sub(r'^\s*--.*$', '', p, flags=re.M).strip() for p in parts) if s]


def run_file(spark, name, params):
    for s in sql_statements(name, params):
        spark.sql(s)


def pricing_params():
    p = {f'sp_{k}': f'CAST({v} AS DOUBLE)' for k, v in SPREADS.items()}
    p.update({f'rk_{k}': f'CAST({v} AS DOUBLE)' for k, v in RISK.items()})
    p.update({f'cost_{k}': v for k, v in COSTS.items()})
    return p


def window_params(frm, to):
    return {'F': day_num(frm), 'T': day_num(to), 'D': day_num(to) - day_num(frm) + 1, 'from': frm, 'to': to}


# --- crm's CSV number formats (src/output/csv.ts) ---------------------------------------------

def half_away(x, decimals):
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(repr(abs(x))).quantize(q, rounding=ROUND_HALF_UP)
    return -d if x < 0 and d != 0 else d


def money(fen):
    """Fen to CNY with 2 decimals, half away from zero."""
    if fen is None:
        return ''
    return f'{half_away(fen, 0) / 100:.2f}'


def ratio(x):
    if x is None:
        return ''
    s = format(half_away(x, 6).normalize(), 'f')
    return '0' if s in ('-0', '0E-6') else s


def integer(x):
    return '' if x is None else str(int(x))


def write_csv(path, header, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)


def main():
    from pyspark.sql import SparkSession

    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--as-of')
    ap.add_argument('--window', type=int, default=90)
    ap.add_argument('--period', help='rm-report month YYYY-MM (default: the month of the latest data date)')
    a = ap.parse_args()
    spark = SparkSession.builder.appName('crm-reports').getOrCreate()
    for t in TABLES:
        df = spark.read.parquet(f'{a.data.rstrip("/")}/{t}')
        if t in SHARED:
            df = df.drop('branch').dropDuplicates()
        df.createOrReplaceTempView(t)
    cov = spark.sql("""SELECT min(d) AS first, max(d) AS last FROM (SELECT as_of AS d FROM snapshot_dates
        UNION ALL SELECT day FROM txn_daily WHERE has_balance = 1) x""").collect()[0]
    first, last = cov['first'], cov['last']
    os.makedirs(a.out, exist_ok=True)
    segment(spark, a, first, last)
    rm_report(spark, a, first, last)
    spark.stop()


def segment(spark, a, first, last):
    as_of = a.as_of or last
    frm, to = max(add_days(as_of, -(a.window - 1)), first), min(as_of, last)
    act_from = add_days(as_of, -364)
    p = {**window_params(frm, to), **pricing_params(), 'scan_from': min(act_from, frm), 'asof_num': day_num(as_of),
         'dormant_floor_fen': DORMANT_FLOOR_FEN}
    run_file(spark, '01_window.sql', p)
    run_file(spark, '02_customer_values.sql', p)
    spark.createDataFrame([r[:3] + r[4:] for r in LADDER],
                          'customer_type string, tier_rank int, code string, method string, measure string, min_fen bigint, share double') \
        .createOrReplaceTempView('tier_ladder')
    run_file(spark, '03_tiers.sql', p)
    run_file(spark, '04_concentration.sql', p)
    names = {(r[0], r[2]): r[3] for r in LADDER}
    detail = spark.sql("""SELECT customer_id, name, customer_type, rm_id, customer_branch, tier, aum_adb, deposit_adb, loan_adb,
        contribution, fee_income, txn_count, dormant FROM customer_tiers
        ORDER BY CASE customer_type WHEN 'personal' THEN 0 ELSE 1 END, customer_id""")
    with open(os.path.join(a.out, 'segment_detail.csv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['customer_id', 'name', 'customer_type', 'rm_id', 'branch', 'tier', 'tier_name', 'aum_adb', 'deposit_adb',
                    'loan_adb', 'contribution', 'fee_income', 'txn_count', 'dormant'])
        for r in detail.toLocalIterator():
            w.writerow([r.customer_id, r.name, r.customer_type, r.rm_id or '', r.customer_branch or '', r.tier,
                        names[(r.customer_type, r.tier)], money(r.aum_adb), money(r.deposit_adb), money(r.loan_adb),
                        money(r.contribution), money(r.fee_income), integer(r.txn_count), 'yes' if r.dormant else 'no'])
    sums = {(r.customer_type, r.tier): r for r in spark.sql('SELECT * FROM tier_summary').collect()}
    rows = []
    for ctype in ('personal', 'corporate'):
        tiers = [r for r in LADDER if r[0] == ctype]
        keys = ['customers', 'aum_adb', 'deposit_adb', 'loan_adb', 'contribution', 'fee_income', 'txn_counter',
                'txn_self_service', 'txn_e_banking', 'dormant']
        total = {k: 0 for k in keys}
        per = []
        for t in tiers:
            s = sums[(ctype, t[2])]
            vals = {k: (s[k] or 0) for k in keys}
            for k in keys:
                total[k] += vals[k]
            per.append((t[2], t[3], vals))
        for code, name, v in per + [('total', 'Total', total)]:
            rows.append([ctype, code, name, integer(v['customers']),
                         ratio(v['customers'] / total['customers']) if total['customers'] > 0 else '',
                         money(v['aum_adb']), ratio(v['aum_adb'] / total['aum_adb']) if total['aum_adb'] != 0 else '',
                         money(v['aum_adb'] / v['customers']) if v['customers'] > 0 else '',
                         money(v['deposit_adb']), money(v['loan_adb']), money(v['contribution']),
                         ratio(v['contribution'] / total['contribution']) if total['contribution'] > 0 else '',
                         money(v['contribution'] / v['customers']) if v['customers'] > 0 else '',
                         money(v['fee_income']), integer(v['txn_counter']), integer(v['txn_self_service']),
                         integer(v['txn_e_banking']), integer(v['dormant'])])
    write_csv(os.path.join(a.out, 'segment_summary.csv'),
              ['customer_type', 'tier', 'tier_name', 'customers', 'customer_share', 'aum_adb', 'aum_share', 'aum_avg', 'deposit_adb',
               'loan_adb', 'contribution', 'contribution_share', 'contribution_avg', 'fee_income', 'txn_counter', 'txn_self_service',
               'txn_e_banking', 'dormant'], rows)
    conc = spark.sql('SELECT customer_type, measure_name, n, top_n, pareto, gini, undefined_reason FROM concentration ORDER BY 1, 2').collect()
    write_csv(os.path.join(a.out, 'concentration.csv'), ['customer_type', 'measure', 'customers', 'top_customers', 'pareto', 'gini', 'undefined_reason'],
              [[r.customer_type, r.measure_name, integer(r.n), integer(r.top_n), ratio(r.pareto), ratio(r.gini), r.undefined_reason or ''] for r in conc])


def rm_report(spark, a, first, last):
    month = a.period or last[:7]
    y, m = map(int, month.split('-'))
    p_from = f'{month}-01'
    p_to = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
    frm, to = max(p_from, first), min(p_to, last)
    days = day_num(to) - day_num(frm) + 1
    prev_from, prev_to = add_days(frm, -days), add_days(frm, -1)
    growth = prev_from >= first
    pp = pricing_params()
    run_file(spark, '01_window.sql', {**window_params(prev_from if growth else frm, prev_to if growth else to), **pp})
    run_file(spark, '10_rm_credit.sql', {})
    spark.sql('SELECT * FROM rm_balance_credit' + ('' if growth else ' WHERE false')).cache().createOrReplaceTempView('rm_previous_credit')
    spark.table('rm_previous_credit').count()  # materialise before the window views are redefined
    wp = window_params(frm, to)
    run_file(spark, '01_window.sql', {**wp, **pp})
    run_file(spark, '10_rm_credit.sql', {})
    run_file(spark, '11_rm_metrics.sql', {**wp, **pp, 'PD': days if growth else 1})
    metrics = spark.sql('SELECT * FROM rm_metrics').collect()
    rms = {r.rm_id: r for r in spark.sql('SELECT rm_id, name, rm_type, rm_branch FROM rms').collect()}
    by_rm = {r.rm_id: r for r in metrics if r.rm_id is not None}
    ids = sorted(set(rms) | {k for k, r in by_rm.items() if r.present})
    summed = ['customers', 'new_customers', 'deposit_adb', 'aum_adb', 'loan_adb', 'loan_balance', 'npl_balance', 'fee_income', 'contribution']

    def row(rm_id, info, ms):
        v = {k: sum((x[k] or 0) for x in ms if x.present) for k in summed}
        prev = sum((x.previous_deposit_adb or 0) for x in ms)
        return {'rm_id': rm_id, 'name': info.name if info else ('' if rm_id == '(unassigned)' else '(not in rms)'),
                'rm_type': info.rm_type if info else None, 'branch': info.rm_branch if info else None, **v,
                'deposit_adb_growth': v['deposit_adb'] - prev if growth else None,
                'npl_ratio': v['npl_balance'] / v['loan_balance'] if v['loan_balance'] > 0 else 0}
    rows = [row(i, rms.get(i), [by_rm[i]] if i in by_rm else []) for i in ids]
    rows.sort(key=lambda r: r['rm_id'])
    rows.sort(key=lambda r: -r['deposit_adb'])
    unassigned = [r for r in metrics if r.rm_id is None]
    if any(r.present for r in unassigned) or (growth and unassigned):
        rows.append(row('(unassigned)', None, unassigned))
    write_csv(os.path.join(a.out, 'rm_report.csv'),
              ['rm_id', 'name', 'rm_type', 'branch', 'customers', 'new_customers', 'deposit_adb', 'deposit_adb_growth', 'aum_adb',
               'loan_adb', 'loan_balance', 'npl_balance', 'npl_ratio', 'fee_income', 'contribution'],
              [[r['rm_id'], r['name'] or '', r['rm_type'] or '', r['branch'] or '', integer(r['customers']), integer(r['new_customers']),
                money(r['deposit_adb']), money(r['deposit_adb_growth']), money(r['aum_adb']), money(r['loan_adb']),
                money(r['loan_balance']), money(r['npl_balance']), ratio(r['npl_ratio']), money(r['fee_income']),
                money(r['contribution'])] for r in rows])


if __name__ == '__main__':
    main()
