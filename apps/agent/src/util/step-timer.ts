// How long each step of a job took, for its log (omniPITR-style timed steps).
/** Milliseconds per step of a job, for its log: `clone 41 ms, settings 12 ms, …`. */
export class StepTimer {
  readonly #steps: string[] = [];
  #at = performance.now();
  readonly started = this.#at;

  lap(step: string): void {
    const now = performance.now();
    this.#steps.push(`${step} ${Math.round(now - this.#at)} ms`);
    this.#at = now;
  }

  toString(): string {
    return this.#steps.join(", ");
  }
}
