/** Public API of the segment domain (pure logic, no I/O). */
export * from './tiers.js';
export * from './concentration.js';
export * from './rfm.js';
export * from './migration.js';
export * from './summary.js';
export { ceilShare } from './config-file.js';
