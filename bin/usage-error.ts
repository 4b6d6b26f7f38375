import { InputError } from '../mollifier/core.js';
/** Bad input from the user: the CLI prints its message as one line and exits with code 2. */
export class UsageError extends InputError {
  override name = 'UsageError';
}
