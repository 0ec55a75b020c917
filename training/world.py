"""Rendering the shapes world: scene parameters and trajectories on the CPU (numpy), pixels with any
array module (torch on the GPU for training, numpy for CPU checks).

Coordinates are fractions of the frame (x right, y down). Every motion spans the whole clip whatever its
length: a clip of 32 frames moves as far as one of 8, only more slowly.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

import sdf
from world_spec import (BACKGROUNDS, BACKGROUND_NAMES, COLOURS, DIRECTIONS, HELD_OUT_COLOUR_MOTION,
                        HELD_OUT_COLOUR_SHAPE, MOTIONS, PALETTE, SHAPES, ObjectSpec, SceneSpec, caption,
                        is_held_out, sample_scene)

MAX_OBJECTS = 2
_RGB = {name: np.array(rgb, dtype=np.float64) / 255.0 for name, rgb in PALETTE}
_BG = {b["name"]: b for b in BACKGROUNDS}


@dataclass
class SceneBatch:
    specs: list[SceneSpec]
    captions: list[str]
    colour: np.ndarray  # [n, K, 3] in 0..1
    shape: np.ndarray  # [n, K] index into SHAPES
    present: np.ndarray  # [n, K] 1 where the object exists
    bg: np.ndarray  # [n, 4]: grey level at start, at end, vertical weight, horizontal weight
    x0: np.ndarray  # [n, K] start centre
    y0: np.ndarray
    dx: np.ndarray  # [n, K] displacement over the clip
    dy: np.ndarray
    amp: np.ndarray  # [n, K] bounce height
    s0: np.ndarray  # [n, K] size at start / end
    s1: np.ndarray


def _object_params(o: ObjectSpec, rng: random.Random) -> tuple[float, ...]:
    """(x0, y0, dx, dy, amp, s0, s1) keeping the whole shape inside the frame for the whole clip."""
    def margin(size: float) -> float:
        return sdf.SHAPE_EXTENT * size + 0.02

    if o.motion in DIRECTIONS:
        s = rng.uniform(0.10, 0.14)
        m = margin(s)
        dist = rng.uniform(0.35, 0.45)
        ux, uy = DIRECTIONS[o.motion]
        dx, dy = dist * ux, dist * uy
        x0 = rng.uniform(m - min(0.0, dx), 1.0 - m - max(0.0, dx))
        y0 = rng.uniform(m - min(0.0, dy), 1.0 - m - max(0.0, dy))
        return x0, y0, dx, dy, 0.0, s, s
    if o.motion == "bouncing":
        s = rng.uniform(0.10, 0.14)
        m = margin(s)
        amp = rng.uniform(0.22, 0.30)
        return rng.uniform(m, 1.0 - m), rng.uniform(m + amp, 1.0 - m), 0.0, 0.0, amp, s, s
    small, big = rng.uniform(0.05, 0.07), rng.uniform(0.15, 0.17)
    m = margin(big)
    x0, y0 = rng.uniform(m, 1.0 - m), rng.uniform(m, 1.0 - m)
    if o.motion == "growing":
        return x0, y0, 0.0, 0.0, 0.0, small, big
    if o.motion == "shrinking":
        return x0, y0, 0.0, 0.0, 0.0, big, small
    raise ValueError(f"unknown motion {o.motion!r}")


def make_batch(specs: list[SceneSpec], rng: random.Random, captions: list[str]) -> SceneBatch:
    n = len(specs)
    colour = np.zeros((n, MAX_OBJECTS, 3))
    shape = np.zeros((n, MAX_OBJECTS), dtype=np.int64)
    present = np.zeros((n, MAX_OBJECTS))
    params = np.zeros((7, n, MAX_OBJECTS))
    params[5:] = 0.1  # absent objects keep a harmless size
    bg = np.zeros((n, 4))
    for i, spec in enumerate(specs):
        b = _BG[spec.background]
        bg[i] = (b["from"], b["to"], 1.0 if b["kind"] == "vertical" else 0.0,
                 1.0 if b["kind"] == "horizontal" else 0.0)
        for k, o in enumerate(spec.objects[:MAX_OBJECTS]):
            colour[i, k] = _RGB[o.colour]
            shape[i, k] = SHAPES.index(o.shape)
            present[i, k] = 1.0
            params[:, i, k] = _object_params(o, rng)
    x0, y0, dx, dy, amp, s0, s1 = params
    return SceneBatch(specs, captions, colour, shape, present, bg, x0, y0, dx, dy, amp, s0, s1)


def training_batch(rng: random.Random, n: int, second_prob: float) -> SceneBatch:
    specs = [sample_scene(rng, second_prob) for _ in range(n)]
    return make_batch(specs, rng, [caption(s, rng) for s in specs])


def held_out_batch(rng: random.Random, n: int) -> SceneBatch:
    """Single objects of held-out combinations (alternating colour-shape and colour-motion pairs)."""
    specs = []
    for i in range(n):
        if i % 2 == 0:
            c, s = HELD_OUT_COLOUR_SHAPE[(i // 2) % len(HELD_OUT_COLOUR_SHAPE)]
            o = ObjectSpec(c, s, rng.choice(MOTIONS))
        else:
            c, m = HELD_OUT_COLOUR_MOTION[(i // 2) % len(HELD_OUT_COLOUR_MOTION)]
            o = ObjectSpec(c, rng.choice(SHAPES), m)
        specs.append(SceneSpec(rng.choice(BACKGROUND_NAMES), [o]))
    return make_batch(specs, rng, [caption(s, None) for s in specs])


def single_object_batch(rng: random.Random, n: int, seen_only: bool) -> SceneBatch:
    specs = []
    while len(specs) < n:
        o = ObjectSpec(rng.choice(COLOURS), rng.choice(SHAPES), rng.choice(MOTIONS))
        if seen_only and is_held_out(o):
            continue
        specs.append(SceneSpec(rng.choice(BACKGROUND_NAMES), [o]))
    return make_batch(specs, rng, [caption(s, None) for s in specs])


def trajectories(b: SceneBatch, frames: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre x, centre y, size per object and frame: [n, K, F] each."""
    u = np.arange(frames, dtype=np.float64) / max(1, frames - 1)
    u = u[None, None, :]
    cx = b.x0[..., None] + b.dx[..., None] * u
    # two bounces per clip: the object leaves the floor y0 and lands twice, ending where it started
    cy = b.y0[..., None] + b.dy[..., None] * u - b.amp[..., None] * np.abs(np.sin(2.0 * math.pi * u))
    size = b.s0[..., None] + (b.s1 - b.s0)[..., None] * u
    return cx, cy, size


def rasterize(xp, colour, shape, present, bg, cx, cy, size, grid, res: int):
    """[n, 3, F, res, res] in 0..1. Arrays of module xp: colour [n,K,3], shape [n,K], present [n,K],
    bg [n,4], cx/cy/size [n,K,F], grid [res] pixel-centre coordinates. The first object is drawn last."""
    n, k_objects, frames = cx.shape
    px = grid.reshape(1, 1, 1, res)
    py = grid.reshape(1, 1, res, 1)
    start = bg[:, 0].reshape(n, 1, 1, 1)
    span = (bg[:, 1] - bg[:, 0]).reshape(n, 1, 1, 1)
    ramp = bg[:, 2].reshape(n, 1, 1, 1) * py + bg[:, 3].reshape(n, 1, 1, 1) * px
    out = (start + span * ramp).reshape(n, 1, 1, res, res)
    for k in reversed(range(k_objects)):
        dx = (px - cx[:, k].reshape(n, frames, 1, 1)) * res
        dy = (py - cy[:, k].reshape(n, frames, 1, 1)) * res
        s = size[:, k].reshape(n, frames, 1, 1) * res
        sid = shape[:, k].reshape(n, 1, 1, 1)
        d = sdf.SDFS[3](xp, dx, dy, s)
        for idx in (2, 1, 0):
            d = xp.where(sid == idx, sdf.SDFS[idx](xp, dx, dy, s), d)
        alpha = xp.clip(0.5 - d, 0.0, 1.0) * present[:, k].reshape(n, 1, 1, 1)
        alpha = alpha.reshape(n, 1, frames, res, res)
        out = out * (1.0 - alpha) + colour[:, k].reshape(n, 3, 1, 1, 1) * alpha
    return out


def render_numpy(b: SceneBatch, frames: int, res: int) -> np.ndarray:
    """[n, 3, F, res, res] in 0..1 (float64), for CPU checks."""
    cx, cy, size = trajectories(b, frames)
    grid = (np.arange(res, dtype=np.float64) + 0.5) / res
    return rasterize(np, b.colour, b.shape, b.present, b.bg, cx, cy, size, grid, res)


def render_torch(b: SceneBatch, frames: int, res: int, device):
    """[n, 3, F, res, res] in -1..1 (float32 on `device`)."""
    import torch

    cx, cy, size = trajectories(b, frames)

    def t(a, dtype=np.float32):
        host = torch.from_numpy(np.ascontiguousarray(a, dtype=dtype))
        if torch.device(device).type == "cuda":  # pinned + non-blocking: no host-device sync per batch
            return host.pin_memory().to(device, non_blocking=True)
        return host.to(device)

    grid = (torch.arange(res, dtype=torch.float32, device=device) + 0.5) / res
    shape = t(b.shape, np.int64)
    out = rasterize(torch, t(b.colour), shape, t(b.present), t(b.bg), t(cx), t(cy), t(size), grid, res)
    return out * 2.0 - 1.0


def to_uint8_frames(video) -> np.ndarray:
    """[3, F, H, W] in -1..1 (numpy or torch) -> uint8 [F, H, W, 3], as the engine writes frames."""
    a = video.detach().float().cpu().numpy() if hasattr(video, "detach") else np.asarray(video)
    a = np.clip(np.rint((a + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a.transpose(1, 2, 3, 0))
