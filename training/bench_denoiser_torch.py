"""The PyTorch side of the denoiser comparison (docs/performance.md): SHDT-nano as trained, fp16 eager and
torch.compile, batch 2, the same shapes as bench/denoiser.ts. The module is built from the same config as the
exported denoiser; its weights (initial ones here) do not change the timing. Also writes an fp16 copy of the
ONNX denoiser (float32 inputs and outputs kept) for onnxruntime-node to time.
Usage: python3 training/bench_denoiser_torch.py --config configs/train/nano.yaml --onnx models/aiprod-nano/denoiser.onnx
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_nano import build  # noqa: E402


def time_cuda(fn, iters: int) -> float:
    for _ in range(20):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--onnx", type=Path, required=True)
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--fp16-out", type=Path)
    args = ap.parse_args()
    cfg = yaml.safe_load(args.config.read_text())
    dit = build(cfg)["dit"].cuda().eval()
    c, tl, td = cfg["vae"]["latent_channels"], cfg["text"]["max_length"], cfg["text"]["width"]
    hw = cfg["world"]["size"] // 8
    lat = torch.sin(torch.arange(2 * c * 4 * hw * hw, dtype=torch.float32)).reshape(2, c, 4, hw, hw).cuda()
    ts = torch.full((2,), 500.0).cuda()
    emb = (torch.cos(torch.arange(2 * tl * td, dtype=torch.float32)) * 0.1).reshape(2, tl, td).cuda()
    mask = (torch.arange(tl)[None, :].repeat(2, 1) < 8).float().cuda()
    out = {}
    with torch.inference_mode():
        out["torch_fp32_eager_ms"] = time_cuda(lambda: dit(lat, ts, emb, mask), args.iters)
        with torch.autocast("cuda", dtype=torch.float16):
            out["torch_fp16_eager_ms"] = time_cuda(lambda: dit(lat, ts, emb, mask), args.iters)
            compiled = torch.compile(dit)
            t0 = time.time()
            compiled(lat, ts, emb, mask)
            out["torch_compile_seconds"] = round(time.time() - t0, 1)
            out["torch_fp16_compile_ms"] = time_cuda(lambda: compiled(lat, ts, emb, mask), args.iters)
    if args.fp16_out:
        import onnx
        from onnxruntime.transformers.float16 import convert_float_to_float16
        model = convert_float_to_float16(onnx.load(str(args.onnx)), keep_io_types=True)
        onnx.save(model, str(args.fp16_out))
        out["fp16_onnx_bytes"] = args.fp16_out.stat().st_size
    out["torch"] = torch.__version__
    out["gpu"] = torch.cuda.get_device_name(0)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
