// Encode and decode messages with validation. Decoding never throws: a malformed, unknown-version or
// wrong-type message comes back as a one-line reason, which readers log before going on.
import type { z } from 'zod';
import { messageSchemas, type Message, type MessageType } from './messages.js';
import { protocolVersion } from './version.js';
import { limits } from './limits.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A refusal names why; `otherVersion` is set for a well-formed message of another protocol version (not garbage). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string; otherVersion?: number };

/** One line naming each problem: `path: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(message)'}: ${issue.message}`).join('; ');
}

export function encode<T extends MessageType>(type: T, message: Message<T>): Uint8Array {
  const checked = messageSchemas[type].safeParse(message);
  // Writing a bad message is our bug, not the peer's: fail loudly at the source.
  if (!checked.success) throw new TypeError(`refusing to send an invalid ${type} message: ${describeIssues(checked.error)}`);
  const bytes = encoder.encode(JSON.stringify(checked.data));
  if (bytes.length > limits.messageBytes) throw new TypeError(`refusing to send a ${type} message of ${bytes.length} bytes: at most ${limits.messageBytes}`);
  return bytes;
}

export function decode<T extends MessageType>(type: T, bytes: Uint8Array): Decoded<Message<T>> {
  return decodeOneOf([type], bytes);
}

/** A message of any of the given types (a subject that carries several), checked against its own schema. */
export function decodeOneOf<T extends MessageType>(types: readonly T[], bytes: Uint8Array): Decoded<Message<T>> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    return { ok: false, error: `not JSON (${bytes.length} bytes): ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object') return { ok: false, error: `not a message object: ${JSON.stringify(value).slice(0, 80)}` };
  const v = (value as { v?: unknown }).v;
  if (v !== protocolVersion) {
    return { ok: false, error: `protocol version ${JSON.stringify(v)} is not ${protocolVersion}`, ...(Number.isInteger(v) ? { otherVersion: v as number } : {}) };
  }
  const t = (value as { type?: unknown }).type;
  const type = types.find((candidate) => candidate === t);
  if (type === undefined) return { ok: false, error: `expected a ${types.join(' or ')} message, got type ${JSON.stringify(t)}` };
  const checked = messageSchemas[type].safeParse(value);
  return checked.success ? { ok: true, value: checked.data as Message<T> } : { ok: false, error: `invalid ${type} message: ${describeIssues(checked.error)}` };
}
