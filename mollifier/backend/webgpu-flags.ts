// Dawn's node flags, shared by the probe and the backend so both ask for the same adapter.
// MOLLIFIER_DAWN_FLAGS holds extra flags of Dawn's node bindings (create([...])), comma-separated, e.g.
// "enable-dawn-features=allow_unsafe_apis" or "backend=vulkan"; see mollifier/backend/README.md.

export function dawnFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.MOLLIFIER_DAWN_FLAGS ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}
