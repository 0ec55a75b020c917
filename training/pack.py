"""Writing the AIPROD-Nano pack folder: tokenizer.json, world.json, aiprod-model.json, MODEL_CARD.md and
CHECKSUMS.sha256 (sha256sum format, every other file)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from world_spec import (BACKGROUND_NAMES, COLOURS, HELD_OUT_COLOUR_MOTION, HELD_OUT_COLOUR_SHAPE, JUDGE,
                        MOTIONS, PALETTE, SHAPES, SPECIALS, build_vocab, world_json)

ONNX_FILES = {
    "textEncoder": "text_encoder.onnx",
    "denoiser": "denoiser.onnx",
    "vaeDecoder": "vae_decoder.onnx",
    "vaeEncoder": "vae_encoder.onnx",
    "upsampler": "upsampler.onnx",
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_tokenizer(path: Path, check_texts: list[str], expected) -> None:
    """WordLevel, [PAD]=0 [UNK]=1 [BOS]=2, Lowercase, Whitespace pre-tokenizer; then prove that it gives
    the ids training used (`expected(text)`) for every text given."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    vocab = build_vocab()
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.add_special_tokens(SPECIALS)
    tok.save(str(path))
    loaded = Tokenizer.from_file(str(path))
    for text in check_texts:
        got = loaded.encode(text, add_special_tokens=False).ids
        if got != expected(text):
            raise RuntimeError(f"tokenizer.json disagrees with training on {text!r}: {got} vs {expected(text)}")
    for i, special in enumerate(SPECIALS):
        if loaded.token_to_id(special) != i:
            raise RuntimeError(f"{special} is not id {i}")


def tensor(name: str, dtype: str, shape: list) -> dict:
    return {"name": name, "dtype": dtype, "shape": shape}


def manifest(info: dict) -> dict:
    """info: geometry, parameter counts, provenance and evaluation figures gathered by train_nano.py."""
    c, lh, lw, lt = info["latent_channels"], info["latent_h"], info["latent_w"], info["latent_t"]
    L, D = info["max_len"], info["text_dim"]
    h, w, up = info["height"], info["width"], info["upscale"]
    lat = ["batch", c, "latent_frames", lh, lw]
    comp = {
        "tokenizer": {"file": "tokenizer.json", "maxLength": L, "padId": 0, "unkId": 1, "bosId": 2, "lowercase": True},
        "textEncoder": {"inputs": [tensor("input_ids", "int64", ["batch", L])],
                        "outputs": [tensor("text_embeds", "float32", ["batch", L, D])]},
        "denoiser": {"inputs": [tensor("latents", "float32", lat), tensor("timestep", "float32", ["batch"]),
                                tensor("text_embeds", "float32", ["batch", L, D]),
                                tensor("text_mask", "float32", ["batch", L])],
                     "outputs": [tensor("velocity", "float32", lat)]},
        "vaeDecoder": {"inputs": [tensor("latents", "float32", lat)],
                       "outputs": [tensor("frames", "float32", ["batch", 3, "frames", h, w])]},
        "vaeEncoder": {"inputs": [tensor("frames", "float32", ["batch", 3, "frames", h, w])],
                       "outputs": [tensor("latents", "float32", lat)]},
        "upsampler": {"inputs": [tensor("frames", "float32", ["n", 3, h, w])],
                      "outputs": [tensor("upscaled", "float32", ["n", 3, h * up, w * up])]},
    }
    for role, file in ONNX_FILES.items():
        comp[role] = {"file": file, **info["files"][file], "parameters": info["parameters"][role],
                      "architecture": info["architectures"][role], **comp[role]}
    comp["tokenizer"]["sha256"] = info["files"]["tokenizer.json"]["sha256"]
    video = {"frames": info["frames"], "height": h, "width": w, "fps": info["fps"], "upscale": up}
    if info.get("max_frames"):
        video["maxFrames"] = info["max_frames"]
    doc = {
        "format": "aiprod-model/1",
        "id": "aiprod-nano",
        "name": "AIPROD-Nano",
        "version": "1.0.0",
        "description": ("Text-to-video on the procedural shapes world: 16 frames of 64x64 at 8 fps, x2 upsampler "
                        "to 128x128. Small enough to run on a CPU."),
        "license": {"spdx": "Apache-2.0", "owner": "AIPROD Studio"},
        "provenance": {"status": "trained",
                       "source": "trained by the AIPROD project on its procedural shapes world",
                       "trainingConfig": "configs/train/nano.yaml", "commit": info["commit"],
                       "trainedAt": info["trained_at"], "hardware": info["hardware"],
                       "trainingSeconds": round(info["training_seconds"], 1)},
        "pipeline": "text-to-video",
        "components": comp,
        "latent": {"channels": c, "frames": lt, "height": lh, "width": lw,
                   "scalingFactor": info["scaling_factor"], "shiftFactor": info["shift_factor"],
                   **({"preview": info["preview"]} if info.get("preview") else {})},
        "video": video,
        "scheduler": {"type": "flow-match-euler", "numTrainTimesteps": 1000, "shift": info["shift"]},
        "defaults": {"steps": info["steps"], "guidance": info["guidance"]},
    }
    if info.get("evaluation"):
        doc["evaluation"] = info["evaluation"]
    return doc


def evaluation_summary(m: dict) -> dict:
    """The manifest's evaluation block: the headline figures; the full set stays in the card."""
    t = m["textToVideo"]
    return {
        "judge": "analytic detector of the shapes world (training/judge.py = engine/qa/nano-judge.ts)",
        "runtime": m["runtime"], "prompts": t["n"], "steps": m["steps"], "guidance": m["guidance"],
        "colourAccuracy": round(t["colour"], 4), "motionAccuracy": round(t["motion"], 4),
        "shapeAccuracy": round(t["shape"], 4),
        "heldOut": {"prompts": t["heldOut"]["n"], "colourAccuracy": round(t["heldOut"]["colour"], 4),
                    "motionAccuracy": round(t["heldOut"]["motion"], 4), "shapeAccuracy": round(t["heldOut"]["shape"], 4)},
        "byGroup": t["by_group"],
        "upsampledAccuracy": {k: round(m["textToVideoUpsampled"][k], 4) for k in ("colour", "motion", "shape")},
        "otherLengths": m["otherLengths"],
        "vaePsnrDb": m["vae"]["psnrDb"], "vaeVideos": m["vae"]["videos"],
        "upsamplerPsnrDb": m["upsampler"]["psnrDb"], "bicubicPsnrDb": m["upsampler"]["bicubicPsnrDb"],
        "upsamplerGainDb": m["upsampler"]["gainDb"],
        "judgeOnGroundTruth": {k: round(m["judgeOnGroundTruth"][k], 4) for k in ("colour", "motion", "shape")},
        "cpuSecondsPerVideo": t["cpuSecondsPerVideo"],
    }


def write_checksums(pack: Path) -> None:
    lines = [f"{sha256(p)}  {p.name}" for p in sorted(pack.iterdir())
             if p.is_file() and p.name != "CHECKSUMS.sha256"]
    (pack / "CHECKSUMS.sha256").write_text("\n".join(lines) + "\n")


def write_world(pack: Path, eval_items: list[dict]) -> None:
    items = [{k: it[k] for k in ("prompt", "group", "colour", "shape", "motion", "background")} for it in eval_items]
    (pack / "world.json").write_text(json.dumps(world_json(items), indent=1) + "\n")


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def model_card(info: dict, m: dict | None) -> str:
    p = info["parameters"]
    total = sum(p.values())
    st = info["stages"]
    cfg = info["config"]
    lines = [
        "# AIPROD-Nano — model card",
        "",
        "AIPROD Studio's own text-to-video pack: a tiny model trained from scratch on a procedural world of",
        "coloured shapes, so that the studio ships a pack whose every weight has a known origin. It is a",
        "demonstration and test model, not a general video generator.",
        "",
        "## Output",
        "",
        f"{info['frames']} frames of {info['height']}x{info['width']} at {info['fps']} fps, upsampled x{info['upscale']} "
        f"to {info['height'] * info['upscale']}x{info['width'] * info['upscale']}. The denoiser also takes clips of "
        f"{', '.join(str(f) for f in cfg['world']['frame_choices'])} frames (multiples of 4, video.maxFrames = "
        f"{info.get('max_frames')}); it was trained on those lengths (60 % of batches at 16 frames).",
        "",
        "## Data: the procedural shapes world",
        "",
        "Generated on the fly on the GPU (training/world.py, torch ops); nothing is downloaded or stored.",
        f"- Colours ({len(COLOURS)}): " + ", ".join(f"{n} {tuple(rgb)}" for n, rgb in PALETTE),
        f"- Shapes ({len(SHAPES)}): " + ", ".join(SHAPES) + " (anti-aliased signed-distance rendering, training/sdf.py)",
        f"- Motions ({len(MOTIONS)}): " + ", ".join(MOTIONS) + ". Directional moves travel 35-45 % of the frame over "
        "the clip; bouncing makes two hops of 22-30 % of the frame; growing/shrinking go between radius 5-7 % and 15-17 %.",
        f"- Backgrounds ({len(BACKGROUND_NAMES)}, achromatic): " + ", ".join(BACKGROUND_NAMES),
        f"- Captions from a small grammar with paraphrases (4 subject templates, 1-3 words per shape, 3-4 phrases per "
        f"motion, 3-4 per background), e.g. \"a red circle moving left on a black background\", \"red ball drifting to the "
        f"left, dark backdrop\". A second object (\"... and a blue box rising ...\") appears in "
        f"{_pct(cfg['world']['second_object_prob'])} of training scenes.",
        f"- Vocabulary: {len(build_vocab())} tokens (tokenizer.json, WordLevel, [PAD]=0, [UNK]=1, [BOS]=2, lowercase, "
        "whitespace/punctuation pre-tokenizer): every word of the grammar.",
        "- Held out of training (never drawn, as first or second object): colour-shape pairs "
        + ", ".join(f"{c} {s}" for c, s in HELD_OUT_COLOUR_SHAPE) + "; colour-motion pairs "
        + ", ".join(f"{c} {mo}" for c, mo in HELD_OUT_COLOUR_MOTION) + ".",
        "- world.json in this pack lists the palette, shapes, motions, backgrounds, grammar, held-out pairs, the",
        "  judge's thresholds and the evaluation prompts with their expected labels.",
        "",
        "## Architecture and parameters",
        "",
        "| component | file | parameters | architecture |",
        "|---|---|---|---|",
    ]
    for role, file in ONNX_FILES.items():
        lines.append(f"| {role} | {file} | {p[role]:,} | {info['architectures'][role]} |")
    lines += [
        f"| total | | {total:,} | {sum(f['bytes'] for n, f in info['files'].items() if n.endswith('.onnx')):,} bytes of ONNX |",
        "",
        f"Latent: {info['latent_channels']} channels x {info['latent_t']} x {info['latent_h']} x {info['latent_w']} "
        "for 16 frames of 64x64 (1/4 temporal, 1/8 spatial); the denoiser sees z' = (z - shiftFactor) * scalingFactor "
        f"with shiftFactor {info['shift_factor']:.6g}, scalingFactor {info['scaling_factor']:.6g} (measured on training "
        "videos after the autoencoder was trained).",
        "",
        "All files: fp32 ONNX, opset 17, one file each (no external data), dynamic batch axis (and dynamic clip length for "
        "the denoiser and the autoencoder); each export was checked against PyTorch with onnxruntime at other batch sizes "
        f"(worst |onnx - torch|: {info['verify_worst']:.1e}).",
        "",
        "## Training",
        "",
        f"Command(s): `{info['command']}` (seed {cfg['seed']}).",
        f"Hardware: {info['hardware']}. Started {info['trained_at']}. Training seconds (wall clock of the whole run, "
        f"export and evaluation excluded): {info['training_seconds']:.0f}.",
        "",
        "| stage | steps | seconds | batch | final loss | notes |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in st.items():
        loss = s["final_loss"]
        loss_text = f"{loss:.5f}" if isinstance(loss, (int, float)) and loss == loss else "-"
        lines.append(f"| {name} | {s['steps']} | {s['seconds']:.0f} | {s['batch']} | {loss_text} | {s['notes']} |")
    lines += [
        "",
        "Objectives: autoencoder MSE + 0.5 L1 on pixels, latent noise 3 % of the latent std, a 1e-4 latent L2 penalty; "
        "text encoder and denoiser trained together with the rectified-flow (flow-matching) loss on velocity = noise - x0, "
        f"sigma logit-normal then shifted by {info['shift']}, condition dropout {_pct(cfg['dit']['cond_dropout'])} "
        f"(the empty prompt [BOS]), one [UNK] inserted into {_pct(cfg['dit']['unk_prob'])} of captions; upsampler "
        "L1 + MSE from 2x2-averaged 128x128 renders. AdamW, warm-up then cosine decay, EMA weights exported. bf16 autocast.",
        "The steps of each stage were set from a time budget (`steps: auto` measures the step time, then fixes the count); "
        "configs/train/nano.yaml now pins the counts this run used, so the same command repeats the same schedule. GPU "
        "kernels (cuDNN autotuning, atomics) are not bitwise deterministic, so a rerun matches closely, not bit for bit.",
        "",
    ]
    if m is None:
        lines += ["## Evaluation", "", "Not run.", ""]
    else:
        t = m["textToVideo"]
        lines += [
            "## Evaluation (on the exported ONNX files, python onnxruntime CPU)",
            "",
            f"training/eval_pack.py samples as the engine does (tokenizer.json, [BOS] + pad, shifted flow-match Euler, "
            f"{m['steps']} steps, guidance {m['guidance']}, shift {m['shift']}, latent scaling from the manifest), decodes "
            "with vae_decoder.onnx and judges the 64x64 frames with the analytic detector (training/judge.py; "
            "engine/qa/nano-judge.ts is its port): dominant foreground colour (nearest palette colour, vote of interior "
            "pixels), motion (centroid track: first vs last quarter; vertical range for bouncing; area ratio for "
            "growing/shrinking), shape (median fill of the bounding box and solidity against the convex hull).",
            "",
            f"| prompts | colour | motion | shape |",
            "|---|---|---|---|",
            f"| all ({t['n']}) | {_pct(t['colour'])} | {_pct(t['motion'])} | {_pct(t['shape'])} |",
            f"| held-out combinations ({t['heldOut']['n']}) | {_pct(t['heldOut']['colour'])} | {_pct(t['heldOut']['motion'])} | {_pct(t['heldOut']['shape'])} |",
            f"| seen combinations ({t['seen']['n']}) | {_pct(t['seen']['colour'])} | {_pct(t['seen']['motion'])} | {_pct(t['seen']['shape'])} |",
        ]
        for g, v in t["by_group"].items():
            lines.append(f"| group {g} ({v['n']}) | {_pct(v['colour'])} | {_pct(v['motion'])} | {_pct(v['shape'])} |")
        u = m["textToVideoUpsampled"]
        lines.append(f"| first {u['n']} prompts after the x2 upsampler (128x128) | {_pct(u['colour'])} | {_pct(u['motion'])} | {_pct(u['shape'])} |")
        for length, v in m["otherLengths"].items():
            lines.append(f"| {length}-frame clips ({v['n']} seen prompts) | {_pct(v['colour'])} | {_pct(v['motion'])} | {_pct(v['shape'])} |")
        g = m["judgeOnGroundTruth"]
        lines.append(f"| the judge on the world's own renders ({g['n']}) | {_pct(g['colour'])} | {_pct(g['motion'])} | {_pct(g['shape'])} |")
        lines += ["", "Per motion / colour / shape (all prompts):", "", "| value | n | colour | motion | shape |", "|---|---|---|---|---|"]
        for key in ("by_motion", "by_colour", "by_shape"):
            for name, v in t[key].items():
                lines.append(f"| {key[3:]} {name} | {v['n']} | {_pct(v['colour'])} | {_pct(v['motion'])} | {_pct(v['shape'])} |")
        vae, ups = m["vae"], m["upsampler"]
        lines += [
            "",
            f"- Autoencoder reconstruction PSNR on {vae['videos']} held-out videos (16x64x64): {vae['psnrDb']:.2f} dB mean "
            f"(worst video {vae['psnrDbMin']:.2f} dB; PSNR of the pooled MSE {vae['psnrDbGlobal']:.2f} dB).",
            f"- Upsampler on {ups['frames']} held-out 128x128 frames (input = 2x2 average): {ups['psnrDb']:.2f} dB against "
            f"bicubic {ups['bicubicPsnrDb']:.2f} dB ({ups['gainDb']:+.2f} dB).",
            f"- CPU time per video, 32 prompts per batch, 16 threads: {t['cpuSecondsPerVideo']} s (text to 64x64 frames).",
            f"- CUDA provider check in python onnxruntime: {json.dumps(m['cudaCheck'])}.",
            "",
        ]
    lines += [
        "## Judge vocabulary (shared with engine/qa/nano-judge.ts)",
        "",
        "Colours: " + ", ".join(COLOURS) + ". Shapes: " + ", ".join(SHAPES) + ". Motions: " + ", ".join(MOTIONS)
        + ", plus `still` and `unknown`. Thresholds: " + json.dumps(JUDGE) + ".",
        "",
        "## Known limits",
        "",
        "- It knows only this world: words outside the grammar become [UNK] and are ignored; anything else "
        "(people, scenes, textures) cannot be drawn.",
        "- 64x64 is the native size; the upsampler sharpens edges but adds no detail.",
        "- Two-object captions were trained (25 % of scenes) but are not part of the evaluation; the second object is "
        "often weaker or takes the first one's attributes.",
        "- Accuracy figures come from an analytic judge built for this world; it reports `unknown` when the foreground is "
        "too small or missing, which counts as wrong.",
        "- Noise comes from the engine's own generator, so renders in the studio differ from the ones evaluated here "
        "for the same seed; the accuracy is a property of the distribution, not of one seed.",
        "",
        "## License",
        "",
        "Apache-2.0, owner AIPROD Studio. Trained only on procedurally generated data; no third-party weights or data.",
        "",
    ]
    return "\n".join(lines)
