// A software Vulkan device for the webgpu tests: Mesa's lavapipe, unpacked by .ci/lavapipe (Debian 12's own
// lavapipe is refused by Dawn). On CI (CI=true) a missing one fails the test; elsewhere the test is skipped
// with the command that brings it.
import { existsSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export function softwareVulkanIcd(): { icd: string } | { skip: string } {
  const cache = process.env.MOLLIFIER_LAVAPIPE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mollifier', 'lavapipe');
  const icd = process.env.MOLLIFIER_LAVAPIPE_ICD ?? join(cache, 'lvp_icd.json');
  if (existsSync(icd)) return { icd };
  const message = `no software Vulkan driver at ${icd} (run .ci/lavapipe)`;
  if (process.env.CI === 'true') throw new Error(`${message}: required on CI`);
  return { skip: message };
}

/** Environment that gives a child process the software Vulkan device (and Mesa the folders it wants). */
export function softwareVulkanEnv(icd: string): NodeJS.ProcessEnv {
  const runtime = mkdtempSync(join(tmpdir(), 'mollifier-xdg-'));
  return { ...process.env, VK_DRIVER_FILES: icd, XDG_RUNTIME_DIR: runtime, MESA_SHADER_CACHE_DIR: join(runtime, 'mesa-cache') };
}
