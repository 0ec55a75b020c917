"""CPU-only check of the world renderer and the judge (numpy): the judge must read the world's own renders.

python3 training/check_world.py [--videos 200] [--res 64] [--frames 16] [--ascii]
Prints accuracy per attribute and the confusions; exits 1 when an accuracy is below the floor given.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter

import numpy as np

import world
from judge import judge_video


def ascii_frame(frame: np.ndarray) -> str:
    chroma = frame.max(axis=2).astype(int) - frame.min(axis=2).astype(int)
    return "\n".join("".join("#" if c > 64 else "." for c in row) for row in chroma)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=200)
    ap.add_argument("--res", type=int, default=64)
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--floor", type=float, default=0.95)
    ap.add_argument("--ascii", action="store_true")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    batch = world.single_object_batch(rng, args.videos, seen_only=False)
    videos = world.render_numpy(batch, args.frames, args.res) * 2.0 - 1.0
    hits = Counter()
    confusions = Counter()
    for i, spec in enumerate(batch.specs):
        o = spec.objects[0]
        verdict = judge_video(world.to_uint8_frames(videos[i]))
        for key, want in (("colour", o.colour), ("motion", o.motion), ("shape", o.shape)):
            got = verdict[key]["name"]
            hits[key] += got == want
            if got != want:
                confusions[f"{key}: {want} -> {got}"] += 1
        if args.ascii and i < 4:
            print(batch.captions[i], verdict)
            print(ascii_frame(world.to_uint8_frames(videos[i])[0]))
    acc = {k: hits[k] / args.videos for k in ("colour", "motion", "shape")}
    print(json.dumps({"res": args.res, "frames": args.frames, "videos": args.videos, "accuracy": acc,
                      "confusions": dict(confusions.most_common(12))}))
    return 0 if min(acc.values()) >= args.floor else 1


if __name__ == "__main__":
    sys.exit(main())
