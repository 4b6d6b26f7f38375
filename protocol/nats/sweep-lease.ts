// One orchestrator per sweep: a lease in a JetStream key-value bucket, renewed every `renewMs` by compare-and-set
// on its revision. A live holder's revision moves; a killed one's stands still, so a newcomer that sees the
// revision unchanged for `lapseMs` takes the sweep over (again by compare-and-set: of two newcomers, one wins).
// The entry outlives its holder (no TTL): the next holder learns which run held the sweep last.
import type { KV, KvEntry } from '@nats-io/kv';
import { SweepTakenError, type SweepHolder, type SweepLease } from '../transport.js';

export interface LeaseTiming {
  /** How often the holder renews (default 2 s). */
  renewMs: number;
  /** How long a newcomer watches a held lease stand still before it takes it (default 7 s). */
  lapseMs: number;
}

export const leaseDefaults: LeaseTiming = { renewMs: 2000, lapseMs: 7000 };

interface LeaseValue extends SweepHolder {
  held: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function valueOf(entry: KvEntry | null): LeaseValue | null {
  if (!entry || entry.operation !== 'PUT') return null;
  try {
    const value = entry.json<LeaseValue>();
    return typeof value?.run === 'string' && typeof value.held === 'boolean' ? value : null;
  } catch {
    return null; // not ours: overwritten below
  }
}

const holderOf = ({ held: _held, ...holder }: LeaseValue): SweepHolder => holder;

/**
 * Takes the sweep for `holder`, or throws SweepTakenError naming the live holder. Resolves with the lease;
 * its `lost` resolves if a renewal finds the sweep held by another (this process went silent for too long).
 */
export async function claimSweep(kv: KV, sweep: string, holder: SweepHolder, timing: LeaseTiming = leaseDefaults, onWait?: (holder: SweepHolder, waitMs: number) => void): Promise<SweepLease> {
  const mine = JSON.stringify({ ...holder, held: true } satisfies LeaseValue);
  let revision: number | undefined;
  let previous: LeaseValue | null = null;
  while (revision === undefined) {
    const entry = await kv.get(sweep);
    const value = valueOf(entry);
    if (value?.held) {
      // Held: alive if its revision moves while we watch.
      onWait?.(holderOf(value), timing.lapseMs);
      const until = Date.now() + timing.lapseMs;
      let moved = false;
      while (Date.now() < until && !moved) {
        await sleep(Math.min(250, timing.renewMs / 4));
        const now = await kv.get(sweep);
        moved = now?.revision !== entry!.revision;
        if (moved) {
          const live = valueOf(now);
          if (live?.held) throw new SweepTakenError(sweep, holderOf(live));
        }
      }
      if (moved) continue; // released or removed meanwhile: look again
    }
    previous = value;
    try {
      revision = entry ? await kv.update(sweep, mine, entry.revision) : await kv.create(sweep, mine);
    } catch {
      // Someone else wrote first (another newcomer, a late renewal): look again.
    }
  }

  let lostTo: (holder: SweepHolder) => void = () => undefined;
  const lost = new Promise<SweepHolder>((resolve) => (lostTo = resolve));
  let released = false;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    try {
      revision = await kv.update(sweep, mine, revision!);
    } catch {
      // A conflict (someone took it) or the server away (keep trying: a holder that comes back in time keeps it).
      const now = await kv.get(sweep).catch(() => undefined);
      if (now === undefined || released) return;
      const value = valueOf(now);
      if (value && value.held && (value.pid !== holder.pid || value.host !== holder.host || value.since !== holder.since)) {
        released = true;
        clearInterval(timer);
        lostTo(holderOf(value));
      } else if (now === null || value === null) {
        revision = await kv.create(sweep, mine).catch(() => revision);
      } else if (now.revision !== revision) {
        revision = now.revision; // our own write whose answer was lost
      }
    }
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew);
  }, timing.renewMs);
  timer.unref();

  return {
    tookOverFrom: previous && previous.run !== holder.run ? holderOf(previous) : null,
    lost,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      await renewing;
      await kv.update(sweep, JSON.stringify({ ...holder, held: false } satisfies LeaseValue), revision!).catch(() => undefined);
    },
  };
}
