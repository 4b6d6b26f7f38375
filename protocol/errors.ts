// The input-error brand of mollifier/errors.ts, for the errors of protocol/ and orchestrator/ (bad URLs,
// specs, stores, a sweep held by another orchestrator): same symbol, so the CLI's `instanceof InputError`
// recognises them, without this folder importing the science library.
const brand = Symbol.for('mollifier-layers.input-error');

export class InputError extends Error {
  readonly [brand] = true;
}
