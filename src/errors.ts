/**
 * Typed errors. The CLI maps them to exit codes in one place (src/cli/main.ts):
 * 0 success, 1 data or runtime error, 2 usage error.
 */
export class CrmError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'CrmError';
  }
}

/** Bad command line, bad option value, invalid plan/tiers/mapping file: exit 2. */
export class UsageError extends CrmError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** Bad data or a runtime failure: exit 1. */
export class DataError extends CrmError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'DataError';
  }
}
