"""Tokenisation and sampling rules shared by training and evaluation; they mirror docs/pack-format.md.

- ids = [bos] + word ids (unknown words -> unk), truncated to L, padded with pad; mask = ids != pad.
- The unconditional input is [bos, pad, ...] (what condition dropout trains on).
- Shifted flow-match schedule: sigma' = shift * s / (1 + (shift - 1) * s).
"""
from __future__ import annotations

import random

from world_spec import BOS, PAD, UNK, build_vocab, pre_tokenize

VOCAB = build_vocab()
PAD_ID, UNK_ID, BOS_ID = VOCAB[PAD], VOCAB[UNK], VOCAB[BOS]


def word_ids(text: str) -> list[int]:
    return [VOCAB.get(w, UNK_ID) for w in pre_tokenize(text)]


def pack_ids(words: list[int], max_len: int) -> list[int]:
    ids = ([BOS_ID] + words)[:max_len]
    return ids + [PAD_ID] * (max_len - len(ids))


def encode(text: str, max_len: int) -> list[int]:
    return pack_ids(word_ids(text), max_len)


def unconditional(max_len: int) -> list[int]:
    return pack_ids([], max_len)


def training_ids(text: str, max_len: int, rng: random.Random, drop: float, unk: float) -> list[int]:
    """Condition dropout (the empty prompt) with probability `drop`; otherwise, with probability `unk`, one
    [UNK] inserted at a random place so that words the vocabulary lacks do not derail the model."""
    if rng.random() < drop:
        return unconditional(max_len)
    words = word_ids(text)
    if rng.random() < unk:
        words.insert(rng.randrange(len(words) + 1), UNK_ID)
    return pack_ids(words, max_len)


def shift_sigma(s, shift: float):
    """Works on floats, numpy arrays and torch tensors alike."""
    return shift * s / (1.0 + (shift - 1.0) * s)
