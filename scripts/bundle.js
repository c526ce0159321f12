// Bundles the compiled program (dist/, from tsc) into three files under dist/bundle/: the CLI
// and the two worker threads. One file per entry instead of ~70 modules to resolve and load
// takes a good part of the start-up time off every command. Packages stay external
// (node_modules), as does better-sqlite3's native addon.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
await build({
  entryPoints: {
    crm: join(dist, 'cli', 'main.js'),
    // Names as the code starts them: new URL('./worker.js' | './report-worker.js', import.meta.url).
    worker: join(dist, 'import', 'worker.js'),
    'report-worker': join(dist, 'metrics', 'report-worker.js'),
  },
  outdir: join(dist, 'bundle'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@duckdb/node-api'],
  // Bundled CommonJS packages call require() for Node's built-ins: give the ES module one.
  banner: { js: "import { createRequire as __crmCreateRequire } from 'node:module'; const require = __crmCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
