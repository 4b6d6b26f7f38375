#!/usr/bin/python3
"""PyTorch side of the derivative benchmark (see bench/TORCH.md).

Reads ONE JSON object on stdin, times training steps of a tanh MLP with
  data      : data loss only
  autodiff  : data loss + PDE residual, derivatives by nested torch.autograd.grad
  mollifier : data loss + PDE residual, derivatives by fixed 1D convolution kernels
and prints ONE JSON line on stdout.

Run with an interpreter that has torch (Debian: /usr/bin/python3 after
`apt-get install python3-torch libopenblas0-pthread`).
`torch_derivatives.py --probe` prints {"ok": true, "torch": ..., "blas": ..., "python": ..., "cuda": bool, "gpu": name or null}
and exits 0 (or 3 when torch is missing) without reading stdin.
`torch_derivatives.py --batch` reads a JSON ARRAY of such objects and prints one JSON line per
element, in order (a bad element gives {"index": i, "error": ...}; used by bench/gpu_sweep.py so
that one process serves several configurations).

Optional input field `device`: "cpu" (default) or "cuda" / "cuda:N". On cuda the steps are
synchronized and the memory is the CUDA allocator's (see bench/TORCH.md). Works with torch 1.13
(CPU) and torch 2.x (CPU or CUDA).

Standard library + torch only.
"""

import ctypes
import json
import math
import os
import resource
import statistics
import sys
import time

EXIT_BAD_INPUT = 2
EXIT_NO_TORCH = 3


class BadInput(Exception):
    pass


def fail_input(msg):
    raise BadInput(str(msg).replace("\n", " "))


def exit_bad_input(e):
    sys.stderr.write("torch_derivatives: bad input: %s\n" % e)
    sys.exit(EXIT_BAD_INPUT)


# ---------------------------------------------------------------- BLAS detection

def _mapped_libs():
    paths = []
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 6 and parts[5].startswith("/"):
                    paths.append(parts[5])
    except OSError:
        pass
    return paths


def blas_info():
    """Return (name, path or None) of the BLAS loaded into this process."""
    libs = _mapped_libs()
    for p in libs:
        if "libopenblas" in os.path.basename(p):
            return "openblas", p
    for p in libs:
        b = os.path.basename(p)
        if b.startswith("libmkl"):
            return "mkl", p
        if b.startswith("libblis"):
            return "blis", p
    for p in libs:
        if os.path.basename(p).startswith("libblas.so"):
            real = os.path.realpath(p)
            if "openblas" in real:
                return "openblas", real
            if "blis" in real:
                return "blis", real
            if "atlas" in real:
                return "atlas", real
            return "reference", real
    return "unknown", None


def openblas_lib(path):
    if path is None:
        return None
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_num_threads  # noqa: B018 (attribute probe)
        return lib
    except (OSError, AttributeError):
        return None


# ---------------------------------------------------------------- input

def parse_input(text):
    try:
        cfg = json.loads(text)
    except ValueError as e:
        fail_input("not JSON: %s" % e)
    if not isinstance(cfg, dict):
        fail_input("expected a JSON object")

    def int_field(name, default=None, lo=None, hi=None):
        v = cfg.get(name, default)
        if v is None:
            fail_input("missing field '%s'" % name)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
            fail_input("field '%s' must be an integer" % name)
        v = int(v)
        if lo is not None and v < lo:
            fail_input("field '%s' must be >= %d" % (name, lo))
        if hi is not None and v > hi:
            fail_input("field '%s' must be <= %d" % (name, hi))
        return v

    c = {
        "order": int_field("order"),
        "depth": int_field("depth", lo=0, hi=1000),
        "width": int_field("width", 128, lo=1, hi=1 << 16),
        "points": int_field("points", lo=1),
        "steps": int_field("steps", lo=1),
        "warmup": int_field("warmup", 0, lo=0),
        "threads": int_field("threads", 1, lo=1, hi=1024),
        "seed": int_field("seed", 0),
    }
    if c["order"] not in (1, 2, 4):
        fail_input("order must be 1, 2 or 4")
    method = cfg.get("method")
    if method not in ("data", "autodiff", "mollifier"):
        fail_input("method must be 'data', 'autodiff' or 'mollifier'")
    c["method"] = method

    # optional extras (not part of the harness contract)
    bt = cfg.get("blasThreads")
    c["blasThreads"] = None if bt is None else int_field("blasThreads", lo=1, hi=1024)
    mb = cfg.get("maxBytes")
    c["maxBytes"] = None if mb is None else int_field("maxBytes", lo=1 << 20)
    dev = cfg.get("device", "cpu")
    if not isinstance(dev, str) or not (dev in ("cpu", "cuda") or (
            dev.startswith("cuda:") and dev[5:].isdigit())):
        fail_input("device must be 'cpu', 'cuda' or 'cuda:N'")
    c["device"] = dev
    c["cuda"] = dev != "cpu"
    if c["cuda"] and c["maxBytes"] is not None:
        fail_input("maxBytes (RLIMIT_AS) is CPU-only: CUDA needs a large address space")

    if c["order"] == 1:
        c["grid"] = [c["points"]]
    else:
        side = math.isqrt(c["points"])
        if side * side != c["points"]:
            fail_input("points must be a perfect square for order %d (got %d)" % (c["order"], c["points"]))
        c["grid"] = [side, side]
    if min(c["grid"]) < 2:
        fail_input("grid too small")

    c["kernels"] = None
    if method == "mollifier":
        k = cfg.get("kernels")
        if not isinstance(k, dict):
            fail_input("method 'mollifier' needs 'kernels' {value, d1, d2, d4}")
        need = {1: ["value", "d1"], 2: ["value", "d2"], 4: ["value", "d2", "d4"]}[c["order"]]
        kernels = {}
        size = None
        for name in need:
            w = k.get(name)
            if (not isinstance(w, list) or not w
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in w)):
                fail_input("kernels.%s must be a non-empty array of numbers" % name)
            if len(w) % 2 != 1:
                fail_input("kernels.%s must have odd length 2R+1 (got %d)" % (name, len(w)))
            if not all(math.isfinite(x) for x in w):
                fail_input("kernels.%s has a non-finite weight" % name)
            if size is not None and len(w) != size:
                fail_input("kernels %s must all have the same length" % ", ".join(need))
            size = len(w)
            kernels[name] = [float(x) for x in w]
        if size > min(c["grid"]):
            fail_input("kernel length %d exceeds grid side %d" % (size, min(c["grid"])))
        c["kernels"] = kernels
        c["radius"] = (size - 1) // 2
    return c


# ---------------------------------------------------------------- benchmark

def rss_bytes():
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def maxrss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def cuda_sync(torch, cuda):
    if cuda:
        torch.cuda.synchronize()


def run(c, torch):
    import torch.nn.functional as F

    torch.set_num_threads(c["threads"])
    torch.manual_seed(c["seed"])
    dtype = torch.float32
    cuda = c["cuda"]
    dev = torch.device(c["device"])
    two_pi = 2.0 * math.pi
    order, method = c["order"], c["method"]

    # grid, target and source fields
    if order == 1:
        (n,) = c["grid"]
        x = torch.linspace(0.0, 1.0, n, dtype=dtype, device=dev)
        coords = [x]
        target = torch.sin(two_pi * x)
        f = torch.cos(two_pi * x) + 0.5
    else:
        ny, nx = c["grid"]
        ys = torch.linspace(0.0, 1.0, ny, dtype=dtype, device=dev)
        xs = torch.linspace(0.0, 1.0, nx, dtype=dtype, device=dev)
        yy, xx = torch.meshgrid(ys, xs, indexing="ij")  # row-major: index = iy*nx + ix
        x, y = xx.reshape(-1), yy.reshape(-1)
        coords = [x, y]
        target = torch.sin(two_pi * x) * torch.sin(two_pi * y)
        f = 1.0 + 0.5 * torch.cos(two_pi * x) * torch.cos(math.pi * y)
    d_in = len(coords)

    layers = []
    prev = d_in
    for _ in range(c["depth"]):
        layers += [torch.nn.Linear(prev, c["width"]), torch.nn.Tanh()]
        prev = c["width"]
    layers.append(torch.nn.Linear(prev, 1))
    net = torch.nn.Sequential(*layers).to(dtype)
    if cuda:
        net = net.to(dev)  # initialised on the CPU first: same weights as a CPU run with that seed
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def grad(out, inp):
        return torch.autograd.grad(out.sum(), inp, create_graph=True)[0]

    if method == "data":
        X = torch.stack(coords, dim=1)

        def loss_fn():
            u = net(X).squeeze(1)
            return torch.mean((u - target) ** 2)

    elif method == "autodiff":
        X0 = torch.stack(coords, dim=1)

        def lap(v, X):
            # one backward pass gives (v_x, v_y); one more per axis for v_xx, v_yy
            gv = grad(v, X)
            return grad(gv[:, 0], X)[:, 0] + grad(gv[:, 1], X)[:, 1]

        def loss_fn():
            X = X0.detach().clone().requires_grad_(True)
            u = net(X).squeeze(1)
            data = torch.mean((u - target) ** 2)
            if order == 1:
                res = grad(u, X)[:, 0] + u - f
            else:
                lu = lap(u, X)
                res = lu + f if order == 2 else lap(lu, X) - f  # biharmonic = Laplacian of Laplacian
            return data + torch.mean(res ** 2)

    else:  # mollifier
        K = c["kernels"]
        R = c["radius"]
        w1 = {k: torch.tensor(v, dtype=dtype, device=dev) for k, v in K.items()}
        X = torch.stack(coords, dim=1)
        if order == 1:
            n = c["grid"][0]
            wv = w1["value"].view(1, 1, -1)
            wd = w1["d1"].view(1, 1, -1)
            t_in = target[R:n - R]
            f_in = f[R:n - R]

            def loss_fn():
                g = net(X).view(1, 1, n)
                u = F.conv1d(g, wv).view(-1)
                du = F.conv1d(g, wd).view(-1)
                return torch.mean((u - t_in) ** 2) + torch.mean((du + u - f_in) ** 2)
        else:
            ny, nx = c["grid"]
            wx = {k: v.view(1, 1, 1, -1) for k, v in w1.items()}  # along x (last dim)
            wy = {k: v.view(1, 1, -1, 1) for k, v in w1.items()}  # along y
            t_in = target.view(ny, nx)[R:ny - R, R:nx - R].reshape(-1)
            f_in = f.view(ny, nx)[R:ny - R, R:nx - R].reshape(-1)

            def loss_fn():
                g = net(X).view(1, 1, ny, nx)
                gx = {k: F.conv2d(g, wx[k]) for k in wx}  # [1,1,ny,nx-2R]
                u = F.conv2d(gx["value"], wy["value"]).view(-1)
                if order == 2:
                    op = F.conv2d(gx["d2"], wy["value"]) + F.conv2d(gx["value"], wy["d2"])
                    res = op.view(-1) + f_in
                else:
                    op = (F.conv2d(gx["d4"], wy["value"])
                          + 2.0 * F.conv2d(gx["d2"], wy["d2"])
                          + F.conv2d(gx["value"], wy["d4"]))
                    res = op.view(-1) - f_in
                return torch.mean((u - t_in) ** 2) + torch.mean(res ** 2)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss

    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        gpu0 = torch.cuda.memory_allocated()
    rss0 = rss_bytes()
    last = None
    for _ in range(c["warmup"]):
        last = step()
    times = []
    for _ in range(c["steps"]):
        cuda_sync(torch, cuda)
        t0 = time.perf_counter()
        last = step()
        cuda_sync(torch, cuda)
        times.append((time.perf_counter() - t0) * 1000.0)
    rss_peak = maxrss_bytes()
    out = {
        "msPerStep": statistics.median(times),
        "msPerStepMean": statistics.fmean(times),
        "peakBytes": max(0, rss_peak - rss0),
        "rssPeakBytes": rss_peak,
        "rssBeforeBytes": rss0,
        "loss": float(last.detach()) if last is not None else None,
        "grid": c["grid"],
    }
    if cuda:
        gpu_peak = torch.cuda.max_memory_allocated()
        out["peakBytes"] = max(0, gpu_peak - gpu0)  # CUDA allocator, not host RSS
        out["gpuPeakBytes"] = gpu_peak
        out["gpuBeforeBytes"] = gpu0
    return out


def is_memory_error(e, torch=None, cuda=False):
    if isinstance(e, MemoryError):
        return True
    msg = str(e).lower()
    if cuda:
        # Not just "memory": "an illegal memory access" is a CUDA error, not an OOM.
        oom_cls = getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None)  # torch >= 1.13
        return (oom_cls is not None and isinstance(e, oom_cls)) or (
            isinstance(e, RuntimeError) and "out of memory" in msg)
    return isinstance(e, RuntimeError) and any(
        s in msg for s in ("memory", "alloc", "bad_alloc", "oom"))


def main():
    probe = "--probe" in sys.argv[1:]
    try:
        import torch
    except ImportError as e:
        if probe:
            print(json.dumps({"ok": False, "error": "no torch: %s" % e, "python": sys.executable}))
        else:
            sys.stderr.write("torch_derivatives: torch is not importable by %s: %s\n" % (sys.executable, e))
        sys.exit(EXIT_NO_TORCH)
    blas, blas_path = blas_info()
    ob = openblas_lib(blas_path) if blas == "openblas" else None
    if probe:
        cuda = bool(torch.cuda.is_available())
        print(json.dumps({"ok": True, "torch": torch.__version__, "blas": blas,
                          "python": sys.executable, "cuda": cuda,
                          "gpu": torch.cuda.get_device_name(0) if cuda else None}))
        return

    if "--batch" in sys.argv[1:]:
        run_batch(sys.stdin.read(), torch, blas, ob)
        return
    try:
        c = parse_input(sys.stdin.read())
    except BadInput as e:
        exit_bad_input(e)
    if c["cuda"]:
        try:
            check_cuda(c, torch)
        except BadInput as e:
            exit_bad_input(e)
    # torch.set_num_threads does not reach OpenBLAS (its pool defaults to all cores). Torch's
    # OpenMP threads plus OpenBLAS's threads oversubscribe the cores (measured on 2 cores,
    # torch 2 + OpenBLAS 2: data step 133 ms instead of 25 ms), so `threads` goes to torch and
    # OpenBLAS is pinned to 1 thread through its API (no environment variable), unless the
    # input names `blasThreads`.
    if ob is not None:
        ob.openblas_set_num_threads(c["blasThreads"] if c["blasThreads"] is not None else 1)
    if c["maxBytes"] is not None:
        resource.setrlimit(resource.RLIMIT_AS, (c["maxBytes"], c["maxBytes"]))
    print(json.dumps(run_config(c, torch, blas, ob)), flush=True)


def check_cuda(c, torch):
    if not torch.cuda.is_available():
        fail_input("device '%s' but torch.cuda.is_available() is false (torch %s)"
                   % (c["device"], torch.__version__))


def run_config(c, torch, blas, ob):
    """One configuration -> the output dict (an OOM is a result, other errors propagate)."""
    base = {"order": c["order"], "method": c["method"], "points": c["points"],
            "depth": c["depth"], "width": c["width"], "torch": torch.__version__,
            "threads": c["threads"], "blas": blas,
            "blasThreads": ob.openblas_get_num_threads() if ob is not None else None}
    if c["cuda"]:
        base["device"] = c["device"]
        base["gpu"] = torch.cuda.get_device_name(torch.device(c["device"]))
        try:  # float32 matmuls/convs may run as TF32 on Ampere+; record the defaults in force
            base["tf32Matmul"] = bool(torch.backends.cuda.matmul.allow_tf32)
            base["tf32Cudnn"] = bool(torch.backends.cudnn.allow_tf32)
        except Exception:  # noqa: BLE001 (an API that moved in some torch version)
            pass
    oom = False
    try:
        out = run(c, torch)
        out.update(base)
        out["oom"] = False
    except (MemoryError, RuntimeError) as e:
        if not is_memory_error(e, torch, c["cuda"]):
            raise
        oom = True
        out = dict(base)
        out.update({"oom": True, "error": ("%s: %s" % (type(e).__name__, e))[:500],
                    "rssPeakBytes": maxrss_bytes()})
        if c["cuda"]:
            out["gpuPeakBytes"] = torch.cuda.max_memory_allocated()
    if oom and c["cuda"]:
        free_cuda(torch)  # outside the except block: the traceback (and the tensors its frames hold) is gone
    return out


def free_cuda(torch):
    import gc
    gc.collect()
    try:
        torch.cuda.empty_cache()
    except RuntimeError:
        pass  # a poisoned CUDA context: the next rows will say so


def run_batch(text, torch, blas, ob):
    """--batch: a JSON array of configurations -> one JSON line each, in order. Each element
    is caught on its own, so one OOM or error does not lose the others' rows."""
    try:
        cfgs = json.loads(text)
    except ValueError as e:
        exit_bad_input("not JSON: %s" % e)
    if not isinstance(cfgs, list):
        exit_bad_input("--batch expects a JSON array of configuration objects")
    pinned = False
    for i, raw in enumerate(cfgs):
        try:
            c = parse_input(json.dumps(raw))
            if c["maxBytes"] is not None:
                fail_input("maxBytes is not supported with --batch")
            if c["cuda"]:
                check_cuda(c, torch)
            if ob is not None and not pinned:
                ob.openblas_set_num_threads(c["blasThreads"] if c["blasThreads"] is not None else 1)
                pinned = True
            out = run_config(c, torch, blas, ob)
        except BadInput as e:
            out = {"badInput": True, "error": "bad input: %s" % e}
        except Exception as e:  # noqa: BLE001 (recorded as a row; a CUDA error may poison later rows)
            out = {"error": ("%s: %s" % (type(e).__name__, e))[:500]}
            if torch.cuda.is_available():
                free_cuda(torch)
        out["index"] = i
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
