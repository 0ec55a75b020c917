"""Train AIPROD-Nano from nothing and write the pack, in one command (GPU machine):

    python3 training/train_nano.py --config configs/train/nano.yaml --work /tmp/nano --out-dir $OUT

Stages: the upsampler trains in a child process while this one trains HW-VAE-nano, then the text encoder and
SHDT-nano train together on latents of the frozen autoencoder. Then: ONNX export (each file checked against
PyTorch with onnxruntime), tokenizer.json, world.json, aiprod-model.json, the evaluation on the exported files
(training/eval_pack.py), MODEL_CARD.md and CHECKSUMS.sha256. `--smoke` runs every step with a few
iterations. With --out-dir, the pack (tar in 15 MiB parts), a checkpoint (parts) and metrics.json land there.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import random
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
import yaml

import eval_pack
import export_onnx
import pack as packmod
import textproc
import world
from models import HaarVae, Shdt, TextEncoder, TextToVideo, Upsampler, count_parameters
from world_spec import eval_prompts, max_caption_tokens, sample_scene, caption

DEV = "cuda"
TEMPORAL = 4  # video frames per latent frame
SPATIAL = 8  # video pixels per latent pixel
MEASURE_FROM, MEASURE_TO = 30, 130  # steps timed to turn a time budget into a step count
PART_BYTES = 15 * 1024 * 1024


def log(msg: str) -> None:
    print(msg, flush=True)


def jlog(**kw) -> None:
    print(json.dumps(kw), flush=True)


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def autocast():
    return torch.autocast("cuda", dtype=torch.bfloat16)


class Ema:
    def __init__(self, model: torch.nn.Module, decay: float) -> None:
        import copy
        self.decay = decay
        self.shadow = copy.deepcopy(model).eval().requires_grad_(False)
        self.src = [p for p in model.parameters()]
        self.dst = [p for p in self.shadow.parameters()]

    @torch.no_grad()
    def update(self, step: int) -> None:
        d = min(self.decay, (1.0 + step) / (10.0 + step))
        torch._foreach_mul_(self.dst, d)
        torch._foreach_add_(self.dst, self.src, alpha=1.0 - d)


def lr_at(step: int, total: int, warmup: int, base: float, min_frac: float) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (min_frac + (1.0 - min_frac) * 0.5 * (1.0 + math.cos(math.pi * p)))


def train(name: str, params: list, ema: Ema, step_fn, sc: dict, smoke_steps: int | None, batch_desc: str) -> dict:
    """Steps are fixed (`steps: N`) or, with `steps: auto`, set after timing steps 30..130 so that the stage
    fills `seconds`. A hard guard stops a stage that overruns its budget by 30 %; `stop_after: K` repeats
    such a stop exactly (the schedule still spans `steps`)."""
    opt = torch.optim.AdamW(params, lr=sc["lr"], betas=(0.9, 0.99), weight_decay=sc.get("weight_decay", 0.0),
                            fused=True)
    auto = smoke_steps is None and sc["steps"] == "auto"
    total = smoke_steps if smoke_steps is not None else (int(sc["max_steps"]) if auto else int(sc["steps"]))
    warmup = min(sc["warmup"], max(1, total // 4)) if smoke_steps is not None else sc["warmup"]
    t0 = time.time()
    t_measure = t0
    step = 0
    acc = torch.zeros((), device=DEV)
    acc_n = 0
    losses: list[list[float]] = []
    capped = False
    last = float("nan")
    while step < total:
        lr = lr_at(step, total, warmup, sc["lr"], sc["min_lr_frac"])
        for g in opt.param_groups:
            g["lr"] = lr
        loss = step_fn(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema.update(step)
        acc += loss.detach()
        acc_n += 1
        step += 1
        if auto and step == MEASURE_FROM:
            torch.cuda.synchronize()
            t_measure = time.time()
        if auto and step == MEASURE_TO:
            torch.cuda.synchronize()
            per = (time.time() - t_measure) / (MEASURE_TO - MEASURE_FROM)
            left = sc["seconds"] - (time.time() - t0)
            total = max(step + 1, min(int(sc["max_steps"]), step + int(left / per)))
            jlog(stage=name, event="steps_resolved", ms_per_step=round(per * 1000, 2), steps=total)
        if step % sc.get("log_every", 250) == 0 or step == total:
            last = (acc / acc_n).item()
            losses.append([step, round(last, 6)])
            jlog(stage=name, step=step, of=total, loss=round(last, 6), lr=round(lr, 7),
                 elapsed=round(time.time() - t0, 1))
            acc.zero_()
            acc_n = 0
        if smoke_steps is None and sc.get("stop_after") is not None and step >= int(sc["stop_after"]):
            jlog(stage=name, event="stop_after", step=step)
            break
        if smoke_steps is None and time.time() - t0 > 1.3 * sc["seconds"] + 15:
            capped = True
            jlog(stage=name, event="time_guard_stop", step=step)
            break
    torch.cuda.synchronize()
    return {"steps": step, "seconds": round(time.time() - t0, 1), "final_loss": last if step > 0 else None, "auto": auto,
            "capped": capped, "losses": losses, "batch": batch_desc,
            "notes": ("stopped by the time guard; " if capped else "") + ("steps from the time budget" if auto else "fixed steps")}


def pick_memory_format(module: torch.nn.Module, make_input, loss_fn) -> torch.memory_format:
    """Times forward+backward on one batch in NCDHW and in channels_last_3d (cuDNN's 3-D convolutions can be
    much faster channels-last) and keeps the faster; weights are not updated."""
    best, best_ms = torch.contiguous_format, None
    for fmt in (torch.contiguous_format, torch.channels_last_3d):
        try:
            module.to(memory_format=fmt)
            x = make_input().contiguous(memory_format=fmt)
            t = time.time()
            for i in range(8):
                if i == 3:
                    torch.cuda.synchronize()
                    t = time.time()
                with autocast():
                    loss = loss_fn(x)
                loss.backward()
            torch.cuda.synchronize()
            ms = (time.time() - t) / 5 * 1000
            jlog(event="memory_format", format=str(fmt), ms=round(ms, 1))
            if best_ms is None or ms < best_ms:
                best, best_ms = fmt, ms
        except Exception as exc:  # noqa: BLE001 - a format the kernels refuse is simply not chosen
            jlog(event="memory_format_failed", format=str(fmt), error=str(exc)[:200])
        module.zero_grad(set_to_none=True)
    module.to(memory_format=best)
    return best


def pick_frames(rng: random.Random, wc: dict) -> int:
    if rng.random() < wc["p_default_frames"]:
        return wc["frames"]
    return rng.choice([f for f in wc["frame_choices"] if f != wc["frames"]])


def build(cfg: dict) -> dict:
    vc, tc, dc, uc, wc = cfg["vae"], cfg["text"], cfg["dit"], cfg["upsampler"], cfg["world"]
    lat_hw = wc["size"] // SPATIAL
    return {
        "vae": HaarVae(vc["latent_channels"], vc["channels"]),
        "text": TextEncoder(len(textproc.VOCAB), tc["max_length"], tc["width"], tc["layers"], tc["heads"]),
        "dit": Shdt(vc["latent_channels"], lat_hw, lat_hw, max(wc["frame_choices"]) // TEMPORAL, dc["width"],
                    dc["depth"], dc["heads"], tc["width"], dc["mlp_ratio"]),
        "ups": Upsampler(uc["channels"], uc["blocks"]),
    }


def stage_upsampler(cfg: dict, work: Path, smoke: bool) -> None:
    uc, wc = cfg["upsampler"], cfg["world"]
    seed_all(cfg["seed"] + 3)
    rng = random.Random(cfg["seed"] + 3)
    ups = build(cfg)["ups"].to(DEV)
    ema = Ema(ups, uc["ema"])
    n_vid = uc["batch_images"] // 4
    hr_size = wc["size"] * wc["upscale"]

    def step_fn(_step: int) -> torch.Tensor:
        b = world.training_batch(rng, n_vid, wc["second_object_prob"])
        hr = world.render_torch(b, 4, hr_size, DEV).permute(0, 2, 1, 3, 4).reshape(-1, 3, hr_size, hr_size)
        lo = F.avg_pool2d(hr, 2)
        lo = lo + torch.randn_like(lo) * (uc["input_noise"] * torch.rand(lo.shape[0], 1, 1, 1, device=DEV))
        with autocast():
            pred = ups(lo).float()
        return F.mse_loss(pred, hr) + 0.5 * (pred - hr).abs().mean()

    res = train("upsampler", list(ups.parameters()), ema, step_fn, uc, cfg["smoke"]["steps"] if smoke else None,
                f"{n_vid * 4} frames 128x128")
    torch.save({"ema": ema.shadow.state_dict(), "result": res}, work / "upsampler.pt")


def stage_vae(cfg: dict, work: Path, smoke: bool, init: dict | None = None) -> dict:
    vc, wc = cfg["vae"], cfg["world"]
    seed_all(cfg["seed"] + 1 + (100 if init is not None else 0))
    rng = random.Random(cfg["seed"] + 1 + (100 if init is not None else 0))
    vae = build(cfg)["vae"]
    if init is not None:
        vae.load_state_dict(init)
    vae = vae.to(DEV)
    fmt = torch.contiguous_format
    if vc.get("pick_memory_format"):
        def vae_loss(x: torch.Tensor) -> torch.Tensor:
            return F.mse_loss(vae.decoder(vae.encoder(x)).float(), x)
        fmt = pick_memory_format(vae, lambda: world.render_torch(
            world.training_batch(random.Random(0), vc["batch_frames"] // wc["frames"], 0.0), wc["frames"], wc["size"], DEV),
            vae_loss)
    ema = Ema(vae, vc["ema"])

    def step_fn(_step: int) -> torch.Tensor:
        frames = pick_frames(rng, wc)
        n = max(1, vc["batch_frames"] // frames)
        x = world.render_torch(world.training_batch(rng, n, wc["second_object_prob"]), frames, wc["size"], DEV)
        x = x.contiguous(memory_format=fmt)
        with autocast():
            z = vae.encoder(x).float()
            noisy = z + torch.randn_like(z) * (vc["latent_noise"] * z.detach().std())
            rec = vae.decoder(noisy).float()
        return F.mse_loss(rec, x) + 0.5 * (rec - x).abs().mean() + vc["latent_l2"] * z.pow(2).mean()

    res = train("vae", list(vae.parameters()), ema, step_fn, vc, cfg["smoke"]["steps"] if smoke else None,
                f"{vc['batch_frames']} frames 64x64")
    # Latent statistics of the EMA encoder on fresh training videos: the denoiser's scaling.
    srng = random.Random(cfg["seed"] + 11)
    zs = []
    with torch.no_grad():
        for _ in range(2 if smoke else 8):
            x = world.render_torch(world.training_batch(srng, 32, wc["second_object_prob"]), wc["frames"], wc["size"], DEV)
            zs.append(ema.shadow.encoder(x).float())
    z = torch.cat(zs)
    shift, scale = z.mean().item(), 1.0 / z.std().item()
    jlog(stage="vae", event="latent_stats", mean=shift, std=z.std().item(),
         channel_std=[round(v, 4) for v in z.std(dim=(0, 2, 3, 4)).tolist()])
    preview = fit_preview(cfg, ema.shadow.encoder, shift, scale, srng)
    torch.save({"ema": ema.shadow.state_dict(), "result": res, "shift": shift, "scale": scale, "preview": preview,
                "memory_format": str(fmt)}, work / "vae.pt")
    return res


@torch.no_grad()
def fit_preview(cfg: dict, encoder, shift: float, scale: float, rng: random.Random) -> dict:
    """latent.preview of the manifest: least-squares map from one pixel of the scaled latent (what the
    denoiser sees) to the mean RGB of the frame block it covers, for the engine's live preview."""
    wc = cfg["world"]
    x = world.render_torch(world.training_batch(rng, 64, wc["second_object_prob"]), wc["frames"], wc["size"], DEV)
    zp = (encoder(x).float() - shift) * scale  # [n, C, T, h, w]
    rgb = F.avg_pool3d(x, kernel_size=(TEMPORAL, SPATIAL, SPATIAL))  # [n, 3, T, h, w]
    a = zp.permute(0, 2, 3, 4, 1).reshape(-1, zp.shape[1]).double().cpu()
    a = torch.cat([a, torch.ones(a.shape[0], 1, dtype=torch.float64)], dim=1)
    b = rgb.permute(0, 2, 3, 4, 1).reshape(-1, 3).double().cpu()
    sol = torch.linalg.solve(a.T @ a + 1e-6 * torch.eye(a.shape[1], dtype=torch.float64), a.T @ b)  # [C+1, 3]
    resid = (a @ sol - b).pow(2).mean().sqrt().item()
    jlog(stage="vae", event="preview_fit", rms=round(resid, 4))
    return {"rgbFactors": [[round(v, 5) for v in row] for row in sol[:-1].tolist()],
            "rgbBias": [round(v, 5) for v in sol[-1].tolist()], "rms": resid}


def stage_t2v(cfg: dict, work: Path, smoke: bool, init: dict | None = None) -> dict:
    dc, wc, tc = cfg["dit"], cfg["world"], cfg["text"]
    seed_all(cfg["seed"] + 2 + (100 if init is not None else 0))
    rng = random.Random(cfg["seed"] + 2 + (100 if init is not None else 0))
    models = build(cfg)
    vck = torch.load(work / "vae.pt", map_location=DEV)
    vae = models["vae"]
    vae.load_state_dict(vck["ema"])
    fmt = torch.channels_last_3d if vck.get("memory_format") == str(torch.channels_last_3d) else torch.contiguous_format
    enc = vae.encoder.to(DEV).eval().requires_grad_(False).to(memory_format=fmt)
    shift_f, scale_f = vck["shift"], vck["scale"]
    t2v = TextToVideo(models["text"], models["dit"])
    if init is not None:
        t2v.load_state_dict({k: v.float() for k, v in init.items()})
    t2v = t2v.to(DEV)
    ema = Ema(t2v, dc["ema"])
    repeat = int(dc.get("latent_repeat", 1))  # each encoded clip is used at this many noise levels per step
    max_len = tc["max_length"]
    tokens_per_latent_frame = (wc["size"] // SPATIAL) ** 2

    def step_fn(_step: int) -> torch.Tensor:
        frames = pick_frames(rng, wc)
        n_vid = max(1, dc["batch_tokens"] // ((frames // TEMPORAL) * tokens_per_latent_frame) // repeat)
        n = n_vid * repeat
        b = world.training_batch(rng, n_vid, wc["second_object_prob"])
        x = world.render_torch(b, frames, wc["size"], DEV).contiguous(memory_format=fmt)
        with torch.no_grad(), autocast():
            z = enc(x).float().contiguous()
        x0 = ((z - shift_f) * scale_f).repeat_interleave(repeat, dim=0)
        captions = [c for c in b.captions for _ in range(repeat)]
        ids = np.array([textproc.training_ids(c, max_len, rng, dc["cond_dropout"], dc["unk_prob"])
                        for c in captions], dtype=np.int64)
        ids = torch.from_numpy(ids).pin_memory().to(DEV, non_blocking=True)
        mask = (ids != textproc.PAD_ID).float()
        u = torch.sigmoid(torch.randn(n, device=DEV) * dc["logit_std"] + dc["logit_mean"])
        sigma = textproc.shift_sigma(u, dc["shift"])
        noise = torch.randn_like(x0)
        s = sigma.view(n, 1, 1, 1, 1)
        xt = (1.0 - s) * x0 + s * noise
        with autocast():
            emb = t2v.text(ids)
            v = t2v.dit(xt, sigma * 1000.0, emb, mask).float()
        return F.mse_loss(v, noise - x0)

    res = train("t2v", list(t2v.parameters()), ema, step_fn, dc, cfg["smoke"]["steps"] if smoke else None,
                f"{dc['batch_tokens']} latent tokens")
    torch.save({"ema": ema.shadow.state_dict(), "raw": t2v.state_dict(), "result": res}, work / "t2v.pt")
    return res


def load_trained(cfg: dict, work: Path) -> tuple[dict, dict]:
    """fp32 CPU modules with the EMA weights, and the saved stage records."""
    m = build(cfg)
    vck = torch.load(work / "vae.pt", map_location="cpu")
    tck = torch.load(work / "t2v.pt", map_location="cpu")
    uck = torch.load(work / "upsampler.pt", map_location="cpu")
    m["vae"].load_state_dict(vck["ema"])
    t2v = TextToVideo(m["text"], m["dit"])
    t2v.load_state_dict({k: v.float() for k, v in tck["ema"].items()})
    m["ups"].load_state_dict(uck["ema"])
    for mod in m.values():
        mod.float().eval()
    rec = {"vae": vck, "t2v": tck, "ups": uck}
    return m, rec


def export_all(cfg: dict, m: dict, pack_dir: Path) -> dict:
    vc, tc, wc = cfg["vae"], cfg["text"], cfg["world"]
    C, L, D = vc["latent_channels"], tc["max_length"], tc["width"]
    hw, lhw = wc["size"], wc["size"] // SPATIAL
    max_t = max(wc["frame_choices"]) // TEMPORAL
    g = torch.Generator().manual_seed(0)

    def randn(*shape):
        return torch.randn(*shape, generator=g)

    def ids_batch(texts):
        return np.array([textproc.encode(t, L) for t in texts], dtype=np.int64)

    def lat(b, t):
        return randn(b, C, t, lhw, lhw).numpy()

    def mask(b):
        mk = np.zeros((b, L), dtype=np.float32)
        for i in range(b):
            mk[i, : 1 + 3 * (i + 1)] = 1.0
        return mk

    text_exp = m["text"]
    den = m["dit"]
    dec = export_onnx.Clamped(m["vae"].decoder)
    encm = m["vae"].encoder
    ups = export_onnx.Clamped(m["ups"])
    prompts = ["a red circle moving left on a black background", "", "blue box rising, dark backdrop",
               "zebra unicorn sparkle"]
    specs = [
        ("text_encoder.onnx", text_exp, (torch.from_numpy(ids_batch(prompts[:2])),), ["input_ids"], ["text_embeds"],
         {"input_ids": {0: "batch"}, "text_embeds": {0: "batch"}},
         [{"input_ids": ids_batch(prompts[:1])}, {"input_ids": ids_batch(prompts[1:])}]),
        ("denoiser.onnx", den,
         (torch.from_numpy(lat(2, 4)), torch.tensor([500.0, 20.0]), randn(2, L, D), torch.from_numpy(mask(2))),
         ["latents", "timestep", "text_embeds", "text_mask"], ["velocity"],
         {"latents": {0: "batch", 2: "latent_frames"}, "timestep": {0: "batch"}, "text_embeds": {0: "batch"},
          "text_mask": {0: "batch"}, "velocity": {0: "batch", 2: "latent_frames"}},
         [{"latents": lat(b, t), "timestep": np.linspace(999, 1, b).astype(np.float32),
           "text_embeds": randn(b, L, D).numpy(), "text_mask": mask(b)} for b, t in ((1, 4), (3, 2), (2, max_t))]),
        ("vae_decoder.onnx", dec, (torch.from_numpy(lat(2, 4)),), ["latents"], ["frames"],
         {"latents": {0: "batch", 2: "latent_frames"}, "frames": {0: "batch", 2: "frames"}},
         [{"latents": lat(b, t)} for b, t in ((1, 4), (3, 2), (1, max_t))]),
        ("vae_encoder.onnx", encm, (randn(2, 3, 16, hw, hw).clamp(-1, 1),), ["frames"], ["latents"],
         {"frames": {0: "batch", 2: "frames"}, "latents": {0: "batch", 2: "latent_frames"}},
         [{"frames": randn(b, 3, f, hw, hw).clamp(-1, 1).numpy()} for b, f in ((1, 16), (3, 8))]),
        ("upsampler.onnx", ups, (randn(2, 3, hw, hw).clamp(-1, 1),), ["frames"], ["upscaled"],
         {"frames": {0: "n"}, "upscaled": {0: "n"}},
         [{"frames": randn(b, 3, hw, hw).clamp(-1, 1).numpy()} for b in (1, 5)]),
    ]
    worst = 0.0
    how = {}
    for file, model, example, ins, outs, dyn, cases in specs:
        path = pack_dir / file
        how[file] = export_onnx.export(model, example, path, ins, outs, dyn, log)
        worst = max(worst, export_onnx.verify(model, path, cases, log))
    return {"worst": worst, "exporter": how}


def write_parts(data: bytes, out_dir: Path, prefix: str) -> list[str]:
    for old in out_dir.glob(f"{prefix}.part*"):
        old.unlink()
    names = []
    for i in range(0, max(1, len(data)), PART_BYTES):
        name = f"{prefix}.part{i // PART_BYTES:02d}"
        (out_dir / name).write_bytes(data[i:i + PART_BYTES])
        names.append(name)
    return names


def tar_pack(pack_dir: Path) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for p in sorted(pack_dir.iterdir()):
            tar.add(p, arcname=f"aiprod-nano/{p.name}")
    return buf.getvalue()


def checkpoint_bytes(rec: dict) -> bytes:
    """What a follow-up run needs to continue: EMA weights of all, raw text+denoiser weights in bf16."""
    bundle = {
        "vae": {"ema": rec["vae"]["ema"], "shift": rec["vae"]["shift"], "scale": rec["vae"]["scale"],
                "preview": rec["vae"]["preview"]},
        "t2v": {"ema": {k: v.to(torch.bfloat16) for k, v in rec["t2v"]["ema"].items()},
                "raw": {k: v.to(torch.bfloat16) for k, v in rec["t2v"]["raw"].items()}},
        "ups": {"ema": rec["ups"]["ema"]},
    }
    buf = io.BytesIO()
    torch.save(bundle, buf)
    return buf.getvalue()


def architectures(cfg: dict) -> dict:
    vc, tc, dc, uc, wc = cfg["vae"], cfg["text"], cfg["dit"], cfg["upsampler"], cfg["world"]
    chs = "/".join(str(c) for c in vc["channels"])
    return {
        "textEncoder": f"word-level transformer: {tc['layers']} pre-LN layers, width {tc['width']}, {tc['heads']} heads, "
                       "learned positions; padding (id 0) masked inside",
        "denoiser": f"SHDT-nano diffusion transformer: one token per latent voxel ({vc['latent_channels']} values), width "
                    f"{dc['width']}, {dc['depth']} blocks, {dc['heads']} heads, MLP x{dc['mlp_ratio']}, adaLN-Zero on "
                    "timestep + pooled text, cross-attention to the words, factorised sin-cos positions up to "
                    f"{max(wc['frame_choices']) // TEMPORAL} latent frames; rectified flow (velocity)",
        "vaeDecoder": f"HW-VAE-nano decoder: (2+1)-D residual convs ({chs} channels), two ConvTranspose3d x2 "
                      "(time and space), inverse 2x2 Haar (fixed 1x1 mix + PixelShuffle)",
        "vaeEncoder": f"HW-VAE-nano encoder: lossless 2x2 Haar split (fixed strided conv), (2+1)-D residual convs "
                      f"({chs} channels), two strided Conv3d /2 (time and space)",
        "upsampler": f"x2 PixelShuffle conv net: {uc['blocks']} residual blocks of {uc['channels']} channels, "
                     "added to a nearest-neighbour base",
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True, type=Path)
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--out-dir", type=Path)
    ap.add_argument("--stage", choices=["all", "upsampler"], default="all")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--resume", type=Path, help="checkpoint of a first run (ckpt.pt): continue it with cfg['resume']")
    ap.add_argument("--resume-record", type=Path, help="metrics.json of that first run (its stages and seconds)")
    args = ap.parse_args()
    cfg = yaml.safe_load(args.config.read_text())
    args.work.mkdir(parents=True, exist_ok=True)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True

    if args.stage == "upsampler":
        stage_upsampler(cfg, args.work, args.smoke)
        return 0

    started = dt.datetime.now(dt.timezone.utc)
    t_start = time.time()
    wc, tc = cfg["world"], cfg["text"]
    models = build(cfg)
    params = {"textEncoder": count_parameters(models["text"]), "denoiser": count_parameters(models["dit"]),
              "vaeDecoder": count_parameters(models["vae"].decoder), "vaeEncoder": count_parameters(models["vae"].encoder),
              "upsampler": count_parameters(models["ups"])}
    total_params = sum(params.values())
    jlog(event="parameters", **params, total=total_params, fp32_mib=round(total_params * 4 / 2 ** 20, 2))
    if total_params * 4 > cfg["pack_budget_bytes"] - 1_000_000:
        raise SystemExit(f"parameter budget exceeded: {total_params} parameters")
    if max_caption_tokens() + 1 > tc["max_length"]:
        raise SystemExit(f"captions reach {max_caption_tokens()} words; max_length {tc['max_length']} is too small")
    jlog(event="device", name=torch.cuda.get_device_name(0), torch=torch.__version__, cuda=torch.version.cuda)

    command = "python3 training/train_nano.py --config configs/train/nano.yaml --work /tmp/nano --out-dir $OUT"
    if args.resume:
        # Second command: the upsampler is kept, the autoencoder and then text encoder + denoiser continue.
        ck = torch.load(args.resume, map_location="cpu")
        prior = json.loads(args.resume_record.read_text())["training"]
        for key in ("vae", "dit"):
            cfg[key].update(cfg["resume"][key])
        # Resuming a resumed run works too: stage names carry their run number. `resume.vae.steps: 0` keeps
        # the autoencoder as it is (its latent statistics are measured again on the same videos).
        ups_name = next(k for k in prior["stages"] if k.endswith("upsampler x2 (child process)"))
        torch.save({"ema": ck["ups"]["ema"], "result": prior["stages"][ups_name]}, args.work / "upsampler.pt")
        run_no = 1 + sum(1 for k in prior["stages"] if "HW-VAE-nano" in k)
        res_vae = stage_vae(cfg, args.work, args.smoke, init=ck["vae"]["ema"])
        res_t2v = stage_t2v(cfg, args.work, args.smoke, init=ck["t2v"]["raw"])
        stages = {(k if k.startswith("run ") else f"run 1: {k}"): v for k, v in prior["stages"].items()}
        stages[f"run {run_no}: HW-VAE-nano continued"] = res_vae
        stages[f"run {run_no}: text encoder + SHDT-nano continued"] = res_t2v
        training_seconds = prior["seconds"] + (time.time() - t_start)
        command = (f"{command}  then  python3 training/train_nano.py --config configs/train/nano.yaml --work /tmp/nano2 "
                   "--out-dir $OUT --resume ckpt.pt --resume-record metrics.json  (ckpt.pt and metrics.json: the first "
                   "command's outputs)")
    else:
        child_cmd = [sys.executable, str(Path(__file__).resolve()), "--config", str(args.config), "--work",
                     str(args.work), "--stage", "upsampler"] + (["--smoke"] if args.smoke else [])
        child_log = (args.work / "upsampler.log").open("w")
        child = subprocess.Popen(child_cmd, stdout=child_log, stderr=subprocess.STDOUT)
        res_vae = stage_vae(cfg, args.work, args.smoke)
        if child.poll() not in (None, 0):
            child_log.close()
            log((args.work / "upsampler.log").read_text()[-3000:])
            raise SystemExit(f"upsampler training failed with exit status {child.returncode}")
        res_t2v = stage_t2v(cfg, args.work, args.smoke)
        rc = child.wait(timeout=600)
        child_log.close()
        child_text = (args.work / "upsampler.log").read_text()
        log("--- upsampler child log (tail) ---\n" + "\n".join(child_text.splitlines()[-8:]))
        if rc != 0:
            raise SystemExit(f"upsampler training failed with exit status {rc}")
        stages = {"HW-VAE-nano (upsampler trained alongside)": res_vae, "text encoder + SHDT-nano": res_t2v}
        training_seconds = time.time() - t_start
    jlog(event="training_done", seconds=round(training_seconds, 1))

    m, rec = load_trained(cfg, args.work)
    pack_dir = args.work / "aiprod-nano"
    pack_dir.mkdir(exist_ok=True)
    for old in pack_dir.iterdir():
        old.unlink()
    exp = export_all(cfg, m, pack_dir)
    items = eval_prompts(wc["eval_seed"], cfg["eval"]["heldout_colour_shape"], cfg["eval"]["heldout_colour_motion"],
                         cfg["eval"]["seen"])
    crng = random.Random(5)
    checks = [it["prompt"] for it in items] + [caption(sample_scene(crng, 0.5), crng) for _ in range(500)]
    checks += ["A RED Circle, moving LEFT!", "zebra unicorn sparkle", ""]
    packmod.write_tokenizer(pack_dir / "tokenizer.json", checks, textproc.word_ids)
    packmod.write_world(pack_dir, items)
    files = {}
    for p in sorted(pack_dir.iterdir()):
        files[p.name] = {"sha256": packmod.sha256(p), "bytes": p.stat().st_size}
    ups_res = rec["ups"]["result"]
    info = {
        "latent_channels": cfg["vae"]["latent_channels"], "latent_h": wc["size"] // SPATIAL,
        "latent_w": wc["size"] // SPATIAL, "latent_t": wc["frames"] // TEMPORAL, "max_len": tc["max_length"],
        "text_dim": tc["width"], "height": wc["size"], "width": wc["size"], "upscale": wc["upscale"],
        "frames": wc["frames"], "fps": wc["fps"], "max_frames": max(wc["frame_choices"]),
        "files": files, "parameters": params, "architectures": architectures(cfg),
        "commit": args.commit, "trained_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "hardware": f"1x {torch.cuda.get_device_name(0)} (torch {torch.__version__}, CUDA {torch.version.cuda})",
        "training_seconds": training_seconds, "scaling_factor": rec["vae"]["scale"], "shift_factor": rec["vae"]["shift"],
        "preview": {k: rec["vae"]["preview"][k] for k in ("rgbFactors", "rgbBias")},
        "shift": cfg["dit"]["shift"], "steps": cfg["sampling"]["steps"], "guidance": cfg["sampling"]["guidance"],
        "verify_worst": exp["worst"], "config": cfg,
        "command": command,
        "stages": {**stages, **({} if args.resume else {"upsampler x2 (child process)": ups_res})},
    }

    def write_docs(metrics: dict | None) -> None:
        if metrics is not None:
            info["evaluation"] = packmod.evaluation_summary(metrics)
        (pack_dir / "aiprod-model.json").write_text(json.dumps(packmod.manifest(info), indent=1) + "\n")
        (pack_dir / "MODEL_CARD.md").write_text(packmod.model_card(info, metrics))
        packmod.write_checksums(pack_dir)

    write_docs(None)
    if args.out_dir:
        write_parts(tar_pack(pack_dir), args.out_dir, "pack.tar")
        write_parts(checkpoint_bytes(rec), args.out_dir, "ckpt.pt")
        log(f"provisional pack and checkpoint written to {args.out_dir}")
    metrics = eval_pack.evaluate(pack_dir, cfg, args.smoke, log)
    metrics["training"] = {"seconds": round(training_seconds, 1), "stages": info["stages"], "parameters": params,
                           "exporter": exp["exporter"], "verifyWorst": exp["worst"]}
    write_docs(metrics)
    total_bytes = sum(p.stat().st_size for p in pack_dir.iterdir())
    metrics["packBytes"] = total_bytes
    if args.out_dir:
        write_parts(tar_pack(pack_dir), args.out_dir, "pack.tar")
        (args.out_dir / "metrics.json").write_text(json.dumps(metrics, indent=1))
    jlog(event="pack", bytes=total_bytes, mib=round(total_bytes / 2 ** 20, 2), seconds=round(time.time() - t_start, 1))
    if total_bytes > cfg["pack_budget_bytes"]:
        raise SystemExit(f"pack is {total_bytes} bytes, over the budget")
    gt = metrics["judgeOnGroundTruth"]
    if min(gt["colour"], gt["motion"], gt["shape"]) < 0.95:
        raise SystemExit(f"the judge misreads the world's own renders: {gt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
