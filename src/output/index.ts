export * from './format.js';
export * from './columns.js';
export * from './color.js';
export * from './table.js';
export * from './csv.js';
export * from './json.js';
export * from './gb18030.js';
export * from './progress.js';
