import type { Command } from 'commander';
import { openDb, resolveDbPath } from '../db/connection.js';
import { getStatus } from '../db/status.js';
import { UsageError } from '../errors.js';
import { formatInt, localDateTime, renderTable, resolveLang, useColor, LANG_OPTION_HELP, type ColumnSpec } from '../output/index.js';
import { globals } from './state.js';

export const STATUS_HELP = `
Examples:
  crm status
  crm status --lang zh --imports 20
  crm --db /data/branch.db status --format json

On a terminal narrower than the imports table, the least important columns are hidden
(--wide shows them all).`;

const IMPORT_COLUMNS: ColumnSpec[] = [
  { key: 'import_id', header: '#', kind: 'int' },
  { key: 'finished_at', header: 'finished', headerZh: '完成时间', kind: 'text', priority: 2 },
  { key: 'file', header: 'file', headerZh: '文件', kind: 'text' },
  { key: 'kind', header: 'kind', headerZh: '类型', kind: 'text', priority: 3 },
  { key: 'status', header: 'status', headerZh: '状态', kind: 'text' },
  { key: 'rows_loaded', header: 'loaded', headerZh: '新增', kind: 'int', priority: 4 },
  { key: 'rows_updated', header: 'updated', headerZh: '更新', kind: 'int', priority: 1 },
  { key: 'rows_unchanged', header: 'unchanged', headerZh: '未变', kind: 'int', priority: 1 },
  { key: 'rows_rejected', header: 'rejected', headerZh: '拒绝', kind: 'int', priority: 5 },
];

const STATUS_ZH: Record<string, string> = { ok: '成功', rejects: '有拒绝行', failed: '失败', interrupted: '中断', 'rolled back': '已回滚' };
/** File kinds and tables in Chinese. */
const KIND_ZH: Record<string, string> = { rms: '客户经理', customers: '客户', accounts: '账户快照', transactions: '交易', targets: '考核目标', fx_rates: '汇率' };
const TABLE_ZH: Record<string, string> = {
  ...KIND_ZH, accounts: '账户', customer_rm_history: '客户归属历史', balances: '余额变动', txn_daily: '交易日汇总', import_log: '导入记录',
};

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('what the database holds: counts per table, snapshot dates covered, latest imports')
    .option('--format <fmt>', 'table or json', 'table')
    .option('--imports <n>', 'how many recent imports to list', '10')
    .option('--lang <lang>', LANG_OPTION_HELP)
    .option('--wide', 'show every column even when wider than the terminal')
    .addHelpText('after', STATUS_HELP)
    .action((o, cmd: Command) => {
      if (!['table', 'json'].includes(o.format)) throw new UsageError(`--format: expected table or json (got "${o.format}")`);
      const n = Number(o.imports);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--imports: expected a whole number (got "${o.imports}")`);
      const lang = resolveLang(o.lang);
      const zh = lang === 'zh';
      const path = resolveDbPath(globals(cmd).db);
      const db = openDb(path);
      try {
        const s = getStatus(db, n);
        if (o.format === 'json') {
          process.stdout.write(JSON.stringify({ database: path, ...s }, null, 2) + '\n');
          return;
        }
        const color = useColor(process.stdout);
        const width = process.stdout.isTTY ? process.stdout.columns : undefined;
        const lines = [zh ? `数据库：${path}（结构版本 ${s.schema_version}）` : `database: ${path} (schema version ${s.schema_version})`, ''];
        lines.push(renderTable(
          [{ key: 'table', header: 'table', headerZh: '表', kind: 'text' }, { key: 'rows', header: 'rows', headerZh: '行数', kind: 'int' }],
          Object.entries(s.counts).map(([table, rows]) => ({ table: zh ? TABLE_ZH[table] ?? table : table, rows })),
          { color, lang },
        ));
        lines.push('');
        if (zh) {
          lines.push(`快照：${s.snapshots.dates ? `${s.snapshots.first} 至 ${s.snapshots.last}（${s.snapshots.dates} 个日期，其中全量 ${s.snapshots.full} 个）` : '无'}`);
          lines.push(`余额历史：${formatInt(s.balance_rows)} 行变动记录`);
          lines.push(`交易：${s.transactions.first ? `${s.transactions.first} 至 ${s.transactions.last}` : '无'}`);
          lines.push(`数据覆盖：${s.coverage.first ? `${s.coverage.first} 至 ${s.coverage.last}` : '尚无余额'}`);
        } else {
          lines.push(`snapshots: ${s.snapshots.dates ? `${s.snapshots.first} to ${s.snapshots.last} (${s.snapshots.dates} date(s), ${s.snapshots.full} full)` : 'none'}`);
          lines.push(`balance history: ${formatInt(s.balance_rows)} stored change row(s)`);
          lines.push(`transactions: ${s.transactions.first ? `${s.transactions.first} to ${s.transactions.last}` : 'none'}`);
          lines.push(`data covers: ${s.coverage.first ? `${s.coverage.first} to ${s.coverage.last}` : 'no balances yet'}`);
        }
        if (s.imports.length) {
          lines.push('', zh ? '最近导入：' : 'latest imports:');
          lines.push(renderTable(
            IMPORT_COLUMNS,
            s.imports.map((i) => ({
              ...i,
              finished_at: i.finished_at === null ? '' : localDateTime(i.finished_at),
              kind: zh && i.kind !== null ? KIND_ZH[i.kind] ?? i.kind : i.kind,
              status: zh ? STATUS_ZH[i.status] ?? i.status : i.status,
            })),
            { color, lang, width, wide: !!o.wide },
          ));
        }
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        db.close();
      }
    });
}
