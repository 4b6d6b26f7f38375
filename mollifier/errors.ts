// Bad input, as opposed to a broken program: an error whose message names the bad value, file or position.
// The CLI prints such a message as one line and exits 2. Every input error of the library extends InputError;
// protocol/ and orchestrator/ (which may not import this folder) carry the same brand (protocol/errors.ts), so
// `error instanceof InputError` recognises all of them.
const brand = Symbol.for('mollifier-layers.input-error');

export class InputError extends Error {
  readonly [brand] = true;

  /** InputError itself matches any branded error; its subclasses keep the ordinary prototype check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== InputError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
  }
}
