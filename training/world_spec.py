"""The procedural shapes world of AIPROD-Nano: vocabularies, caption grammar, held-out set, judge thresholds.

Pure Python (no torch, no numpy) so that it can be imported anywhere, tested on a CPU-only machine, and
written out as the pack's world.json, which the TypeScript judge (engine/qa/nano-judge.ts) mirrors.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field

# Object colours, RGB 0..255. All strongly saturated: backgrounds are achromatic, so the judge finds the
# foreground by chroma alone. Pairwise RGB distance >= 84, so a nearest-colour vote is unambiguous.
PALETTE: list[tuple[str, tuple[int, int, int]]] = [
    ("red", (220, 30, 30)),
    ("orange", (255, 140, 0)),
    ("yellow", (240, 220, 20)),
    ("green", (30, 190, 50)),
    ("cyan", (0, 200, 220)),
    ("blue", (30, 60, 230)),
    ("purple", (150, 40, 200)),
    ("pink", (255, 100, 180)),
]
COLOURS = [name for name, _ in PALETTE]

SHAPES = ["circle", "square", "triangle", "star"]
SHAPE_WORDS = {
    "circle": ["circle", "ball", "disc"],
    "square": ["square", "box", "block"],
    "triangle": ["triangle"],
    "star": ["star"],
}

# Directions are in image coordinates (y grows downwards). Unit vectors for the eight moves.
DIRECTIONS = {
    "left": (-1.0, 0.0),
    "right": (1.0, 0.0),
    "up": (0.0, -1.0),
    "down": (0.0, 1.0),
    "up-left": (-0.7071067811865476, -0.7071067811865476),
    "up-right": (0.7071067811865476, -0.7071067811865476),
    "down-left": (-0.7071067811865476, 0.7071067811865476),
    "down-right": (0.7071067811865476, 0.7071067811865476),
}
MOTIONS = list(DIRECTIONS) + ["bouncing", "growing", "shrinking"]
MOTION_PHRASES = {
    "left": ["moving left", "moving to the left", "drifting to the left", "sliding left"],
    "right": ["moving right", "moving to the right", "drifting to the right", "sliding right"],
    "up": ["moving up", "moving upward", "rising", "floating up"],
    "down": ["moving down", "moving downward", "falling", "sinking"],
    "up-left": ["moving up and to the left", "drifting up and left", "moving diagonally up-left"],
    "up-right": ["moving up and to the right", "drifting up and right", "moving diagonally up-right"],
    "down-left": ["moving down and to the left", "drifting down and left", "moving diagonally down-left"],
    "down-right": ["moving down and to the right", "drifting down and right", "moving diagonally down-right"],
    "bouncing": ["bouncing", "bouncing up and down", "hopping"],
    "growing": ["growing", "getting bigger", "expanding"],
    "shrinking": ["shrinking", "getting smaller", "contracting"],
}

# Backgrounds: achromatic flats and gradients. Values are grey levels 0..1 (see world.py for the maps).
BACKGROUNDS = [
    {"name": "black", "kind": "flat", "from": 0.0, "to": 0.0},
    {"name": "white", "kind": "flat", "from": 1.0, "to": 1.0},
    {"name": "gray", "kind": "flat", "from": 0.5, "to": 0.5},
    {"name": "dark-gradient", "kind": "vertical", "from": 0.0, "to": 0.45},
    {"name": "light-gradient", "kind": "horizontal", "from": 1.0, "to": 0.6},
]
BACKGROUND_NAMES = [b["name"] for b in BACKGROUNDS]
# Each tail is appended to the object phrase(s); index 0 is the canonical wording.
BACKGROUND_TAILS = {
    "black": [" on a black background", ", black backdrop", ", dark backdrop", " against black"],
    "white": [" on a white background", ", white backdrop", ", bright backdrop", " against white"],
    "gray": [" on a gray background", ", grey backdrop", " on a grey background", " against gray"],
    "dark-gradient": [" on a dark gradient background", ", dark gradient backdrop", " on a black to gray gradient"],
    "light-gradient": [" on a light gradient background", ", pale gradient backdrop", " on a white to gray gradient"],
}
SUBJECT_TEMPLATES = ["a {c} {s}", "{c} {s}", "the {c} {s}", "one {c} {s}"]

# Combinations never shown in training (as the main object or as a second object); evaluation uses them.
HELD_OUT_COLOUR_SHAPE = [("red", "star"), ("green", "square"), ("blue", "triangle"), ("yellow", "circle")]
HELD_OUT_COLOUR_MOTION = [("orange", "left"), ("cyan", "down"), ("pink", "growing"), ("purple", "up-right")]

# Thresholds of the analytic judge (training/judge.py and engine/qa/nano-judge.ts use these numbers).
JUDGE = {
    # chroma = max(r,g,b) - min(r,g,b) on 0..255; pixels above it are candidate foreground
    "chromaMin": 64,
    # the mask threshold is max(chromaMin, floor(median candidate chroma * maskChromaFraction))
    "maskChromaFraction": 0.5,
    # a frame counts when its largest 4-connected blob covers at least this fraction of the frame
    "minAreaFraction": 0.002,
    # shape features only from blobs at least this large that do not touch the border
    "shapeMinAreaFraction": 0.008,
    # centroid displacement (fraction of the frame) that counts as a directional move
    "moveMin": 0.15,
    # vertical range of the centroid (fraction of the frame) that counts as bouncing
    "bounceMin": 0.12,
    # area ratio (last quarter / first quarter) that counts as growing (or 1/x as shrinking)
    "growRatio": 1.6,
    # blob area / convex hull area below this is a star
    "starSolidityMax": 0.8,
    # blob area / bounding box area: triangle below, circle below the next, square above
    "triangleFillMax": 0.64,
    "circleFillMax": 0.89,
}
# Sector order of the judge's direction classifier: angle atan2(-dy, dx) / 45 degrees, rounded.
DIRECTION_SECTORS = ["right", "up-right", "up", "up-left", "left", "down-left", "down", "down-right"]

PAD, UNK, BOS = "[PAD]", "[UNK]", "[BOS]"
SPECIALS = [PAD, UNK, BOS]
_WORD_RE = re.compile(r"\w+|[^\w\s]+")


def pre_tokenize(text: str) -> list[str]:
    """Lowercase + the `Whitespace` pre-tokenizer of HF tokenizers (regex \\w+|[^\\w\\s]+)."""
    return _WORD_RE.findall(text.lower())


def grammar_phrases() -> list[str]:
    out: list[str] = []
    out += COLOURS
    for words in SHAPE_WORDS.values():
        out += words
    for phrases in MOTION_PHRASES.values():
        out += phrases
    for tails in BACKGROUND_TAILS.values():
        out += tails
    out += [t.format(c="", s="") for t in SUBJECT_TEMPLATES]
    out += [" and "]
    return out


def build_vocab() -> dict[str, int]:
    """[PAD]=0, [UNK]=1, [BOS]=2, then every word of the caption grammar in sorted order."""
    words = sorted({w for p in grammar_phrases() for w in pre_tokenize(p)})
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for w in words:
        vocab[w] = len(vocab)
    return vocab


@dataclass
class ObjectSpec:
    colour: str
    shape: str
    motion: str


@dataclass
class SceneSpec:
    background: str
    objects: list[ObjectSpec] = field(default_factory=list)


def is_held_out(obj: ObjectSpec) -> bool:
    return (obj.colour, obj.shape) in HELD_OUT_COLOUR_SHAPE or (obj.colour, obj.motion) in HELD_OUT_COLOUR_MOTION


def sample_scene(rng: random.Random, second_prob: float) -> SceneSpec:
    """A training scene: no object may form a held-out combination."""
    def one(exclude_colour: str | None) -> ObjectSpec:
        while True:
            o = ObjectSpec(rng.choice(COLOURS), rng.choice(SHAPES), rng.choice(MOTIONS))
            if o.colour != exclude_colour and not is_held_out(o):
                return o

    first = one(None)
    objects = [first]
    if rng.random() < second_prob:
        objects.append(one(first.colour))
    return SceneSpec(rng.choice(BACKGROUND_NAMES), objects)


def caption(scene: SceneSpec, rng: random.Random | None) -> str:
    """A caption from the grammar; rng=None gives the canonical wording (every choice at index 0)."""
    def pick(options: list[str]) -> str:
        return options[0] if rng is None else rng.choice(options)

    parts = []
    for o in scene.objects:
        subject = pick(SUBJECT_TEMPLATES).format(c=o.colour, s=pick(SHAPE_WORDS[o.shape]))
        parts.append(f"{subject} {pick(MOTION_PHRASES[o.motion])}")
    return " and ".join(parts) + pick(BACKGROUND_TAILS[scene.background])


def max_caption_tokens() -> int:
    """Upper bound of the word count of any caption (two objects, longest choice everywhere)."""
    def longest(options: list[str]) -> int:
        return max(len(pre_tokenize(o)) for o in options)

    subj = longest([t.format(c="red", s="ball") for t in SUBJECT_TEMPLATES])
    motion = longest([p for ps in MOTION_PHRASES.values() for p in ps])
    tail = longest([p for ps in BACKGROUND_TAILS.values() for p in ps])
    return 2 * (subj + motion) + 1 + tail


def eval_prompts(seed: int, n_colour_shape: int, n_colour_motion: int, n_seen: int) -> list[dict]:
    """The evaluation set: held-out colour-shape pairs, held-out colour-motion pairs, and seen combinations.

    Single-object scenes; odd items use a random paraphrase, even items the canonical wording.
    """
    rng = random.Random(seed)
    items: list[dict] = []

    def add(group: str, o: ObjectSpec) -> None:
        scene = SceneSpec(rng.choice(BACKGROUND_NAMES), [o])
        paraphrase = len(items) % 2 == 1
        text = caption(scene, rng if paraphrase else None)
        items.append({"prompt": text, "group": group, "colour": o.colour, "shape": o.shape,
                      "motion": o.motion, "background": scene.background})

    for i in range(n_colour_shape):
        c, s = HELD_OUT_COLOUR_SHAPE[i % len(HELD_OUT_COLOUR_SHAPE)]
        while True:
            m = rng.choice(MOTIONS)
            if (c, m) not in HELD_OUT_COLOUR_MOTION:
                break
        add("heldout-colour-shape", ObjectSpec(c, s, m))
    for i in range(n_colour_motion):
        c, m = HELD_OUT_COLOUR_MOTION[i % len(HELD_OUT_COLOUR_MOTION)]
        while True:
            s = rng.choice(SHAPES)
            if (c, s) not in HELD_OUT_COLOUR_SHAPE:
                break
        add("heldout-colour-motion", ObjectSpec(c, s, m))
    for _ in range(n_seen):
        while True:
            o = ObjectSpec(rng.choice(COLOURS), rng.choice(SHAPES), rng.choice(MOTIONS))
            if not is_held_out(o):
                break
        add("seen", o)
    return items


def world_json(eval_items: list[dict] | None = None) -> dict:
    """What the pack's world.json holds; the TypeScript judge's defaults equal these values."""
    doc: dict = {
        "format": "aiprod-nano-world/1",
        "palette": [{"name": n, "rgb": list(rgb)} for n, rgb in PALETTE],
        "shapes": SHAPES,
        "shapeWords": SHAPE_WORDS,
        "motions": MOTIONS,
        "directionSectors": DIRECTION_SECTORS,
        "motionPhrases": MOTION_PHRASES,
        "backgrounds": BACKGROUNDS,
        "backgroundTails": BACKGROUND_TAILS,
        "subjectTemplates": SUBJECT_TEMPLATES,
        "heldOut": {
            "colourShape": [list(p) for p in HELD_OUT_COLOUR_SHAPE],
            "colourMotion": [list(p) for p in HELD_OUT_COLOUR_MOTION],
        },
        "judge": JUDGE,
    }
    if eval_items is not None:
        doc["evalPrompts"] = eval_items
    return doc


if __name__ == "__main__":
    vocab = build_vocab()
    print(json.dumps({"vocab_size": len(vocab), "max_caption_tokens": max_caption_tokens()}))
    r = random.Random(0)
    for _ in range(5):
        print(caption(sample_scene(r, 0.5), r))
