// `mollifier backends [--json]`: every rung of the backend ladder, whether it works here, on what device,
// and why not. Each rung is started in its own process, as MOLLIFIER_BACKEND would start it.
import type { Command } from 'commander';
import { backendAvailability } from '../../mollifier/index.js';

export function registerBackendsCommand(program: Command): void {
  program
    .command('backends')
    .description('list the TensorFlow.js backends in ladder order: usable here or not, device, reason')
    .option('--json', 'print {"backends": [{"name", "available", "device", "reason", "native"}]} (native: wasm only)')
    .action(async (options: { json?: boolean }) => {
      const backends = await backendAvailability();
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ backends }, null, 2)}\n`);
        return;
      }
      const width = Math.max(...backends.map((b) => b.name.length));
      for (const b of backends) {
        const state = b.available ? 'yes' : 'no ';
        const detail = [b.device, b.native ? `native kernels: ${b.native}` : null, b.reason].filter(Boolean).join(' — ');
        process.stdout.write(`${b.name.padEnd(width)}  ${state}  ${detail}\n`);
      }
    });
}
