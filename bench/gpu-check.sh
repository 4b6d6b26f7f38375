#!/usr/bin/env bash
# The one GPU check of the webgpu rung (README: Backends and GPU nodes), for a machine with a GPU and NVIDIA's
# Vulkan driver: the backend report, `bench backends` beside PyTorch (CUDA torch through MOLLIFIER_TORCH_PYTHON
# when it has one), and one small real sweep through `worker --gpus 0` on webgpu over a loopback nats-server.
# Writes everything under ${OUT:-bench/out/gpu}. Needs the built project (npm ci; npm run build) and nats-server.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench/out/gpu}
mkdir -p "$out"
nvidia-smi --query-gpu=index,name,pci.bus_id,driver_version,memory.total --format=csv >"$out/gpus.csv" 2>&1 || true
ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ >"$out/vulkan-icds.txt" 2>&1 || true
bin/mollifier backends --json | tee "$out/backends.json"

# Same steps on every backend; the software adapter would only say "correct, slow": the ladder skips it anyway.
bin/mollifier bench backends --backends webgpu,wasm --timeout 300 --out "$out/benchmarks.md" --json >"$out/bench-backends.json" 2>"$out/bench-backends.log"

# One small real sweep on GPU 0 through the distributed path.
port=$((20000 + RANDOM % 20000))
store=$(mktemp -d)
nats-server -js -a 127.0.0.1 -p "$port" -sd "$store" >"$out/nats.log" 2>&1 &
nats=$!
trap 'kill "$worker" "$nats" 2>/dev/null || true; rm -rf "$store"' EXIT
sleep 1
MOLLIFIER_BACKEND=webgpu bin/mollifier worker --nats "nats://127.0.0.1:$port" --gpus 0 >"$out/worker.log" 2>&1 &
worker=$!
bin/mollifier sweep run examples/quick.yaml --nats "nats://127.0.0.1:$port" --store "$out/quick-gpu.sqlite" 2>"$out/sweep.log"
bin/mollifier sweep table --store "$out/quick-gpu.sqlite" | tee "$out/quick-gpu-table.md"
bin/mollifier sweep status --store "$out/quick-gpu.sqlite" --json >"$out/quick-gpu-status.json"
