// The one error type of the domain logic: a stable code for programs and a sentence for the DBA.

export class TidelineError extends Error {
  code: string;
  /** The sentence without the code prefix, for places that show the code separately. */
  sentence: string;
  details?: unknown;

  constructor(code: string, sentence: string, details?: unknown) {
    super(`${code}: ${sentence}`);
    this.name = "TidelineError";
    this.code = code;
    this.sentence = sentence;
    if (details !== undefined) this.details = details;
  }
}

export function isTidelineError(error: unknown, code?: string): error is TidelineError {
  return error instanceof TidelineError && (code === undefined || error.code === code);
}
