// Errors with a stable code and a sentence a DBA understands. The tRPC error formatter passes
// `code` through to the console and the CLI.
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(`${code}: ${message}`);
  }
}
