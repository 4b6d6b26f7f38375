// `mollifier sweep cancel`: stop a sweep everywhere. Over NATS its queued jobs leave the queue and every
// worker stops its running ones (they end failed, "cancelled: ..."); a `sweep run` still waiting on the sweep
// records them and exits. The store's unfinished jobs are failed too, so `sweep run --retry-failed` restarts them.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { protocolVersion, type CancelMessage } from '../../protocol/index.js';
import { readSpec } from '../../orchestrator/spec.js';
import { ResultStore } from '../../orchestrator/store.js';
import { UsageError } from '../usage-error.js';
import { natsOptionsOf, registerNatsOptions, type NatsCliOptions } from './nats-options.js';
import { defaultStore } from './sweep-store.js';

interface CancelOptions extends NatsCliOptions {
  store?: string;
  reason: string;
}

export function registerSweepCancel(sweep: Command): void {
  registerNatsOptions(
    sweep
      .command('cancel')
      .description('stop a sweep: drop its queued jobs, stop its running ones, record them failed (cancelled)')
      .argument('<spec>', 'the sweep spec (YAML) it was run with')
      .option('--store <file>', 'SQLite results store (default results/<name>.sqlite, if it exists)')
      .option('--reason <text>', 'why, recorded with every job it stops', 'by the user'),
  ).action(async (specPath: string, options: CancelOptions) => {
    const spec = readSpec(specPath);
    const storePath = options.store ?? defaultStore(spec.name);
    if (options.store && !existsSync(options.store)) throw new UsageError(`--store ${options.store}: no such file`);
    const haveStore = existsSync(storePath);
    if (!options.nats && !haveStore) throw new UsageError(`nothing to cancel: no --nats queue and no store ${storePath} (an embedded sweep stops with Ctrl-C)`);
    const cancel: CancelMessage = { v: protocolVersion, type: 'cancel', sweep: spec.name, reason: options.reason, at: new Date().toISOString() };
    const said: string[] = [];
    if (options.nats) {
      const { NatsOrchestratorTransport } = await import('../../protocol/nats/index.js');
      const transport = await NatsOrchestratorTransport.connect(natsOptionsOf(options));
      try {
        const { dropped } = await transport.cancel(cancel);
        said.push(`${dropped} jobs taken off the queue (queued or running)`, 'workers told to stop its running jobs');
      } finally {
        await transport.close();
      }
    }
    if (haveStore) {
      // A `sweep run` still waiting may record some of these first (its workers' reports): either way they end failed.
      const store = new ResultStore(storePath);
      try {
        said.push(`${store.cancelUnfinished(spec.name, `cancelled: ${options.reason}`, cancel.at)} unfinished jobs recorded failed in ${storePath}`);
      } finally {
        store.close();
      }
    }
    process.stdout.write(`sweep ${spec.name} cancelled: ${said.join('; ')}; \`sweep run --retry-failed\` runs them again\n`);
  });
}
