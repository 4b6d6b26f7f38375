import { create, globals } from 'webgpu';
const gpu = create(process.argv.slice(2));
for (const opts of [{}, {powerPreference:'high-performance'}, {forceFallbackAdapter:true}]) {
const a = await gpu.requestAdapter(opts);
if (!a) { console.log(opts, 'null'); continue; }
const i = a.info;
console.log(opts, {vendor:i.vendor, architecture:i.architecture, device:i.device, description:i.description, isFallbackAdapter:i.isFallbackAdapter, subgroupMin: i.subgroupMinSize}, a.limits.maxBufferSize, a.limits.maxStorageBufferBindingSize);
}
