import { InputError } from '../errors.js';
/** A bad request to the autodiff baseline: unknown operator or order, or points of the wrong shape. */
export class AutodiffError extends InputError {
  override name = 'AutodiffError';
}
