// Core NATS subscriptions of one message type: each message decoded and validated; a bad one goes to
// `onInvalid` and never reaches the handler (nor throws in the client's callback).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode } from '../codec.js';
import type { Message, MessageType } from '../messages.js';
import type { InvalidMessageHandler } from '../transport.js';

/**
 * `subjectOf`: the subject a valid message must have come on. Where the subject names the sender's host, the
 * server's permissions (roles.ts) vouch for it, so a body naming another host is refused.
 */
export function subscribeDecoded<T extends MessageType>(nc: NatsConnection, subject: string, type: T, handler: (message: Message<T>) => void, onInvalid?: InvalidMessageHandler, subjectOf?: (message: Message<T>) => string): Subscription {
  return nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      const decoded = decode(type, msg.data);
      if (!decoded.ok) onInvalid?.(msg.subject, decoded.error);
      else if (subjectOf && subjectOf(decoded.value) !== msg.subject) onInvalid?.(msg.subject, `a ${type} that names another sender than its subject`);
      else handler(decoded.value);
    },
  });
}
