"""Evaluate an exported AIPROD-Nano pack with python onnxruntime, sampling exactly as the engine does
(docs/pack-format.md): tokenizer.json with bos + pad, shifted flow-match Euler, classifier-free guidance,
latent scaling from the manifest. Figures therefore describe the shipped files, not the PyTorch weights.

python3 training/eval_pack.py --pack models/aiprod-nano --config configs/train/nano.yaml --out metrics.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnxruntime as ort
import yaml
from tokenizers import Tokenizer

import world
from judge import judge_video
from world_spec import JUDGE, eval_prompts

ATTRS = ("colour", "motion", "shape")


class Pack:
    def __init__(self, pack_dir: Path, provider: str = "CPUExecutionProvider") -> None:
        self.dir = pack_dir
        self.manifest = json.loads((pack_dir / "aiprod-model.json").read_text())
        comps = self.manifest["components"]
        tok = comps["tokenizer"]
        self.tokenizer = Tokenizer.from_file(str(pack_dir / tok["file"]))
        self.max_len, self.pad_id, self.bos_id = tok["maxLength"], tok["padId"], tok.get("bosId")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        self.sessions = {
            role: ort.InferenceSession(str(pack_dir / comps[role]["file"]), opts, providers=[provider])
            for role in ("textEncoder", "denoiser", "vaeDecoder", "vaeEncoder", "upsampler") if role in comps
        }
        lat, vid = self.manifest["latent"], self.manifest["video"]
        self.channels, self.lat_h, self.lat_w = lat["channels"], lat["height"], lat["width"]
        self.temporal = vid["frames"] // lat["frames"]
        self.scaling, self.shift_factor = lat.get("scalingFactor", 1.0), lat.get("shiftFactor", 0.0)
        sched = self.manifest["scheduler"]
        self.train_steps, self.shift = sched["numTrainTimesteps"], sched["shift"]

    def ids(self, prompt: str) -> list[int]:
        words = self.tokenizer.encode(prompt, add_special_tokens=False).ids
        ids = ([self.bos_id] if self.bos_id is not None else []) + words
        ids = ids[: self.max_len]
        return ids + [self.pad_id] * (self.max_len - len(ids))

    def run(self, role: str, feeds: dict) -> np.ndarray:
        return self.sessions[role].run(None, feeds)[0]

    def generate(self, prompts: list[str], seeds: list[int], frames: int, steps: int, guidance: float) -> np.ndarray:
        """[n, 3, frames, H, W] in -1..1; conditional and unconditional rows in one denoiser batch."""
        n = len(prompts)
        ids = np.array([self.ids(p) for p in prompts] + [self.ids("")] * n, dtype=np.int64)
        mask = (ids != self.pad_id).astype(np.float32)
        emb = self.run("textEncoder", {"input_ids": ids})
        t = frames // self.temporal
        x = np.stack([np.random.default_rng(s).standard_normal((self.channels, t, self.lat_h, self.lat_w),
                                                                dtype=np.float32) for s in seeds])
        s = np.linspace(1.0, 0.0, steps + 1)
        sigmas = self.shift * s / (1.0 + (self.shift - 1.0) * s)
        for i in range(steps):
            sig, nxt = float(sigmas[i]), float(sigmas[i + 1])
            v = self.run("denoiser", {
                "latents": np.concatenate([x, x]).astype(np.float32),
                "timestep": np.full((2 * n,), sig * self.train_steps, dtype=np.float32),
                "text_embeds": emb, "text_mask": mask})
            v = v[n:] + guidance * (v[:n] - v[n:])
            x = (x + (nxt - sig) * v).astype(np.float32)
        z = (x / self.scaling + self.shift_factor).astype(np.float32)
        return self.run("vaeDecoder", {"latents": z})


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two arrays in -1..1, measured on the 0..1 scale."""
    mse = float(np.mean(((a - b) / 2.0) ** 2))
    return 99.0 if mse == 0 else 10.0 * math.log10(1.0 / mse)


def score(items: list[dict]) -> dict:
    """Accuracy overall and per group / colour / motion / shape."""
    out: dict = {"n": len(items)}
    for attr in ATTRS:
        out[attr] = sum(it["got"][attr] == it[attr] for it in items) / max(1, len(items))
    for key in ("group", "colour", "motion", "shape"):
        buckets: dict = defaultdict(list)
        for it in items:
            buckets[it[key]].append(it)
        out[f"by_{key}"] = {k: {"n": len(v), **{a: round(sum(i["got"][a] == i[a] for i in v) / len(v), 4) for a in ATTRS}}
                            for k, v in sorted(buckets.items())}
    return out


def render_reference(batch, frames: int, res: int) -> np.ndarray:
    """World renders, [n, 3, F, res, res] in -1..1, float32 (torch on the GPU when there is one)."""
    try:
        import torch
        dev = "cuda" if torch.cuda.is_available() else "cpu"
        return world.render_torch(batch, frames, res, dev).cpu().numpy().astype(np.float32)
    except ImportError:
        return (world.render_numpy(batch, frames, res) * 2.0 - 1.0).astype(np.float32)


def evaluate(pack_dir: Path, cfg: dict, smoke: bool, log=print) -> dict:
    ev = cfg["eval"]
    sm = cfg["smoke"]["eval"] if smoke else ev
    pack = Pack(pack_dir)
    man = pack.manifest
    steps, guidance = man["defaults"]["steps"], man["defaults"]["guidance"]
    frames = man["video"]["frames"]
    batch_size = ev["batch"]
    metrics: dict = {"runtime": f"onnxruntime {ort.__version__} CPUExecutionProvider (python)",
                     "steps": steps, "guidance": guidance, "shift": pack.shift, "frames": frames}

    # 1. Text-to-video on the prompt set, judged on the 64x64 decoder output.
    items = eval_prompts(cfg["world"]["eval_seed"], sm["heldout_colour_shape"], sm["heldout_colour_motion"], sm["seen"])
    t0 = time.time()
    videos = []
    for i in range(0, len(items), batch_size):
        chunk = items[i:i + batch_size]
        seeds = [ev["noise_seed"] + i + k for k in range(len(chunk))]
        videos.append(pack.generate([c["prompt"] for c in chunk], seeds, frames, steps, guidance))
    videos_np = np.concatenate(videos)
    gen_seconds = time.time() - t0
    for it, vid in zip(items, videos_np):
        verdict = judge_video(world.to_uint8_frames(vid))
        it["got"] = {a: verdict[a]["name"] for a in ATTRS}
    metrics["textToVideo"] = score(items)
    metrics["textToVideo"]["cpuSecondsPerVideo"] = round(gen_seconds / len(items), 3)
    metrics["textToVideo"]["heldOut"] = score([it for it in items if it["group"] != "seen"])
    metrics["textToVideo"]["seen"] = score([it for it in items if it["group"] == "seen"])
    for k in ("heldOut", "seen"):
        for sub in ("by_group", "by_colour", "by_motion", "by_shape"):
            metrics["textToVideo"][k].pop(sub, None)
    metrics["prompts"] = [{k: it[k] for k in ("prompt", "group", "colour", "shape", "motion", "background", "got")}
                          for it in items]

    # 2. Upsampled output of the first prompts is judged too (the pipeline's final 128x128 frames).
    n_up = min(len(items), sm["upsampled_prompts"])
    lo = videos_np[:n_up]  # [n, 3, F, 64, 64]
    flat = lo.transpose(0, 2, 1, 3, 4).reshape(-1, 3, lo.shape[3], lo.shape[4])
    up = pack.run("upsampler", {"frames": flat.astype(np.float32)})
    up = up.reshape(n_up, frames, 3, up.shape[2], up.shape[3]).transpose(0, 2, 1, 3, 4)
    up_items = []
    for it, vid in zip(items[:n_up], up):
        verdict = judge_video(world.to_uint8_frames(vid))
        up_items.append({**it, "got": {a: verdict[a]["name"] for a in ATTRS}})
    metrics["textToVideoUpsampled"] = {k: v for k, v in score(up_items).items() if not k.startswith("by_")}

    # 3. Other clip lengths (the denoiser's maxFrames claim).
    other = {}
    for length in ev["other_lengths"]:
        sub = items[-sm["other_length_prompts"]:]
        vids = pack.generate([c["prompt"] for c in sub], [ev["noise_seed"] + 5000 + k for k in range(len(sub))],
                             length, steps, guidance)
        got = [{**it, "got": {a: judge_video(world.to_uint8_frames(v))[a]["name"] for a in ATTRS}}
               for it, v in zip(sub, vids)]
        other[str(length)] = {k: v for k, v in score(got).items() if not k.startswith("by_")}
    metrics["otherLengths"] = other

    # 4. VAE reconstruction on held-out videos.
    rng = random.Random(cfg["world"]["eval_seed"] + 1)
    ref = render_reference(world.held_out_batch(rng, sm["vae_videos"]), frames, man["video"]["width"])
    recs = []
    for i in range(0, len(ref), 16):
        z = pack.run("vaeEncoder", {"frames": ref[i:i + 16]})
        recs.append(pack.run("vaeDecoder", {"latents": z}))
    rec = np.concatenate(recs)
    per_video = [psnr(r, x) for r, x in zip(rec, ref)]
    metrics["vae"] = {"videos": len(ref), "psnrDb": round(float(np.mean(per_video)), 3),
                      "psnrDbMin": round(float(np.min(per_video)), 3), "psnrDbGlobal": round(psnr(rec, ref), 3)}

    # 5. Upsampler against bicubic on held-out 128x128 renders (low resolution = 2x2 average).
    import torch
    import torch.nn.functional as F
    rng = random.Random(cfg["world"]["eval_seed"] + 2)
    hr = render_reference(world.held_out_batch(rng, sm["upsampler_videos"]), 4, 2 * man["video"]["width"])
    hr = hr.transpose(0, 2, 1, 3, 4).reshape(-1, 3, hr.shape[3], hr.shape[4])
    lr_t = F.avg_pool2d(torch.from_numpy(hr), 2)
    bicubic = F.interpolate(lr_t, scale_factor=2.0, mode="bicubic", align_corners=False).clamp(-1, 1).numpy()
    ups = np.concatenate([pack.run("upsampler", {"frames": lr_t[i:i + 64].numpy()}) for i in range(0, len(hr), 64)])
    metrics["upsampler"] = {"frames": len(hr), "psnrDb": round(psnr(ups, hr), 3),
                            "bicubicPsnrDb": round(psnr(bicubic, hr), 3)}
    metrics["upsampler"]["gainDb"] = round(metrics["upsampler"]["psnrDb"] - metrics["upsampler"]["bicubicPsnrDb"], 3)

    # 6. The judge on the world's own renders: how far the judge itself can be trusted.
    rng = random.Random(cfg["world"]["eval_seed"] + 3)
    gt_batch = world.single_object_batch(rng, sm["gt_videos"], seen_only=False)
    gt = render_reference(gt_batch, frames, man["video"]["width"])
    gt_items = []
    for spec, vid in zip(gt_batch.specs, gt):
        o = spec.objects[0]
        verdict = judge_video(world.to_uint8_frames(vid))
        gt_items.append({"group": "ground-truth", "colour": o.colour, "shape": o.shape, "motion": o.motion,
                         "got": {a: verdict[a]["name"] for a in ATTRS}})
    metrics["judgeOnGroundTruth"] = {k: v for k, v in score(gt_items).items() if not k.startswith("by_")}

    # 7. The CUDA provider, when this onnxruntime has it: same inputs, same outputs.
    metrics["cudaCheck"] = cuda_check(pack_dir, pack)
    metrics["judge"] = JUDGE
    log(summary_table(metrics))
    return metrics


def cuda_check(pack_dir: Path, cpu: Pack) -> dict:
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        return {"available": False, "providers": ort.get_available_providers()}
    try:
        gpu = Pack(pack_dir, "CUDAExecutionProvider")
        a = cpu.generate(["a red circle moving left on a black background"], [1], 16, 4, 4.0)
        b = gpu.generate(["a red circle moving left on a black background"], [1], 16, 4, 4.0)
        return {"available": True, "maxAbsDiff": float(np.abs(a - b).max())}
    except Exception as exc:  # report, do not hide: the figure says the CUDA run failed and why
        return {"available": True, "error": str(exc)[:300]}


def summary_table(m: dict) -> str:
    t = m["textToVideo"]
    lines = ["", "== AIPROD-Nano evaluation (ONNX, onnxruntime CPU) ==",
             f"prompts {t['n']}  steps {m['steps']}  guidance {m['guidance']}  shift {m['shift']}",
             f"ALL          colour {t['colour']:.3f}  motion {t['motion']:.3f}  shape {t['shape']:.3f}",
             f"held-out     colour {t['heldOut']['colour']:.3f}  motion {t['heldOut']['motion']:.3f}  shape {t['heldOut']['shape']:.3f}",
             f"seen         colour {t['seen']['colour']:.3f}  motion {t['seen']['motion']:.3f}  shape {t['seen']['shape']:.3f}"]
    for key in ("by_group", "by_colour", "by_motion", "by_shape"):
        lines.append(f"-- {key[3:]}")
        for name, v in t[key].items():
            lines.append(f"   {name:24s} n={v['n']:3d}  colour {v['colour']:.3f}  motion {v['motion']:.3f}  shape {v['shape']:.3f}")
    u = m["textToVideoUpsampled"]
    lines.append(f"upsampled 128x128 (n={u['n']}): colour {u['colour']:.3f} motion {u['motion']:.3f} shape {u['shape']:.3f}")
    for length, v in m["otherLengths"].items():
        lines.append(f"{length} frames (n={v['n']}): colour {v['colour']:.3f} motion {v['motion']:.3f} shape {v['shape']:.3f}")
    lines.append(f"VAE held-out PSNR {m['vae']['psnrDb']:.2f} dB (min {m['vae']['psnrDbMin']:.2f}, n={m['vae']['videos']})")
    u = m["upsampler"]
    lines.append(f"upsampler PSNR {u['psnrDb']:.2f} dB vs bicubic {u['bicubicPsnrDb']:.2f} dB (gain {u['gainDb']:+.2f} dB, n={u['frames']})")
    g = m["judgeOnGroundTruth"]
    lines.append(f"judge on world renders (n={g['n']}): colour {g['colour']:.3f} motion {g['motion']:.3f} shape {g['shape']:.3f}")
    lines.append(f"CPU seconds per video (batched): {t['cpuSecondsPerVideo']}  cuda check: {m['cudaCheck']}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", required=True, type=Path)
    ap.add_argument("--config", required=True, type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    cfg = yaml.safe_load(args.config.read_text())
    metrics = evaluate(args.pack, cfg, args.smoke)
    if args.out:
        args.out.write_text(json.dumps(metrics, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
