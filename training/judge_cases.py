"""Reference verdicts of training/judge.py for a few fully specified scenes, for the TypeScript port's unit
test (tests/unit/engine/qa/nano-judge.test.ts renders the same scenes with the same float64 formulas and
must reach the same verdicts). CPU only:  python3 training/judge_cases.py
"""
from __future__ import annotations

import json

import numpy as np

import world
from judge import judge_video
from world_spec import BACKGROUNDS, PALETTE, SHAPES, SceneSpec

# (shape, colour, background, frames, res, x0, y0, dx, dy, amp, s0, s1)
CASES = [
    ("circle", "red", "black", 16, 64, 0.70, 0.50, -0.40, 0.0, 0.0, 0.12, 0.12),
    ("square", "blue", "white", 16, 64, 0.30, 0.70, 0.28, -0.28, 0.0, 0.11, 0.11),
    ("triangle", "green", "dark-gradient", 16, 64, 0.50, 0.72, 0.0, 0.0, 0.26, 0.12, 0.12),
    ("star", "pink", "light-gradient", 16, 64, 0.50, 0.50, 0.0, 0.0, 0.0, 0.06, 0.16),
    ("star", "yellow", "gray", 8, 48, 0.35, 0.30, 0.30, 0.36, 0.0, 0.13, 0.13),
    ("square", "purple", "black", 12, 64, 0.50, 0.48, 0.0, 0.0, 0.0, 0.16, 0.06),
    ("triangle", "cyan", "white", 16, 128, 0.25, 0.30, 0.42, 0.0, 0.0, 0.12, 0.12),
    ("circle", "orange", "gray", 16, 64, 0.52, 0.47, 0.0, 0.0, 0.0, 0.12, 0.12),
]


def render_case(case) -> np.ndarray:
    shape, colour, bg, frames, res, x0, y0, dx, dy, amp, s0, s1 = case
    b = world.make_batch([SceneSpec(bg, [])], None, [""])
    rgb = dict(PALETTE)[colour]
    b.colour[0, 0] = np.array(rgb, dtype=np.float64) / 255.0
    b.shape[0, 0] = SHAPES.index(shape)
    b.present[0, 0] = 1.0
    for name, value in (("x0", x0), ("y0", y0), ("dx", dx), ("dy", dy), ("amp", amp), ("s0", s0), ("s1", s1)):
        getattr(b, name)[0, 0] = value
    video = world.render_numpy(b, frames, res)[0] * 2.0 - 1.0
    return world.to_uint8_frames(video)


def main() -> None:
    backgrounds = {b["name"]: b for b in BACKGROUNDS}
    out = []
    for case in CASES:
        assert case[2] in backgrounds
        v = judge_video(render_case(case))
        out.append({"case": list(case), "colour": v["colour"], "motion": v["motion"], "shape": v["shape"],
                    "validFrames": v["validFrames"], "threshold": v["threshold"], "measures": v["measures"]})
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
