import { InputError } from '../errors.js';
/** An impossible kernel request (unknown family, bad radius or spacing, an order the family cannot give). */
export class KernelError extends InputError {
  override name = 'KernelError';
}
