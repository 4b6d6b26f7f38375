// Core NATS subscriptions of one message type: each message decoded and validated; a bad one goes to
// `onInvalid` and never reaches the handler (nor throws in the client's callback).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { decode } from '../codec.js';
import type { Message, MessageType } from '../messages.js';
import type { InvalidMessageHandler } from '../transport.js';

export function subscribeDecoded<T extends MessageType>(nc: NatsConnection, subject: string, type: T, handler: (message: Message<T>) => void, onInvalid?: InvalidMessageHandler): Subscription {
  return nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      const decoded = decode(type, msg.data);
      if (decoded.ok) handler(decoded.value);
      else onInvalid?.(msg.subject, decoded.error);
    },
  });
}
