"""The four networks of AIPROD-Nano (PyTorch). Every forward is written with ops that export to ONNX
opset 17 and run on onnxruntime's CPU and CUDA providers: Conv/ConvTranspose, MatMul, Softmax,
LayerNormalization, DepthToSpace, Resize (nearest, 4-D), Reshape/Transpose up to rank 5.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# ----------------------------------------------------------------------------------------------------
# HW-VAE-nano: lossless 2x2 Haar split, then a small (2+1)-D conv autoencoder.
# frames [B, 3, F, 64, 64] -> Haar [B, 12, F, 32, 32] -> latents [B, C, F/4, 8, 8]


def _haar_matrix() -> torch.Tensor:
    """Orthonormal 4x4 Haar/Hadamard: rows LL, LH, HL, HH over the 2x2 block (a b / c d). Symmetric and
    its own inverse, so the same matrix splits and merges."""
    return torch.tensor([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=torch.float32) / 2.0


class HaarSplit(nn.Module):
    """Per-frame 2x2 Haar analysis as one strided Conv3d with fixed weights (exact and invertible)."""

    def __init__(self) -> None:
        super().__init__()
        m = _haar_matrix()
        w = torch.zeros(12, 3, 1, 2, 2)
        for c in range(3):
            for k in range(4):
                w[4 * c + k, c, 0] = m[k].reshape(2, 2)
        self.register_buffer("weight", w, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv3d(x, self.weight, stride=(1, 2, 2))


class HaarMerge(nn.Module):
    """Inverse of HaarSplit: a fixed 1x1x1 mix back to the four sub-pixels, then a per-frame PixelShuffle."""

    def __init__(self) -> None:
        super().__init__()
        m = _haar_matrix()
        w = torch.zeros(12, 12, 1, 1, 1)
        for c in range(3):
            w[4 * c:4 * c + 4, 4 * c:4 * c + 4, 0, 0, 0] = m.t()
        self.register_buffer("weight", w, persistent=False)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        b, _, f, h, w = y.shape
        sub = F.conv3d(y, self.weight)  # channel 4c + 2*di + dj = pixel (2i+di, 2j+dj) of colour c
        sub = sub.permute(0, 2, 1, 3, 4).reshape(b * f, 12, h, w)
        out = F.pixel_shuffle(sub, 2)
        return out.reshape(b, f, 3, 2 * h, 2 * w).permute(0, 2, 1, 3, 4)


class Res3d(nn.Module):
    """Factorised residual block: a 1x3x3 spatial conv then a 3x1x1 temporal conv (zero-initialised)."""

    def __init__(self, ch: int) -> None:
        super().__init__()
        self.spatial = nn.Conv3d(ch, ch, (1, 3, 3), padding=(0, 1, 1))
        self.temporal = nn.Conv3d(ch, ch, (3, 1, 1), padding=(1, 0, 0))
        nn.init.zeros_(self.temporal.weight)
        nn.init.zeros_(self.temporal.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.temporal(F.silu(self.spatial(F.silu(x))))


class VaeEncoder(nn.Module):
    def __init__(self, latent: int, chs: list[int]) -> None:
        super().__init__()
        c1, c2, c3 = chs
        self.haar = HaarSplit()
        self.net = nn.Sequential(
            nn.Conv3d(12, c1, (1, 3, 3), padding=(0, 1, 1)), Res3d(c1), Res3d(c1),
            nn.Conv3d(c1, c2, 2, stride=2), Res3d(c2),  # F/2 x 16 x 16
            nn.Conv3d(c2, c3, 2, stride=2), Res3d(c3), Res3d(c3),  # F/4 x 8 x 8
            nn.SiLU(), nn.Conv3d(c3, latent, 1),
        )

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.net(self.haar(frames))


class VaeDecoder(nn.Module):
    def __init__(self, latent: int, chs: list[int]) -> None:
        super().__init__()
        c1, c2, c3 = chs
        self.net = nn.Sequential(
            nn.Conv3d(latent, c3, 3, padding=1), Res3d(c3), Res3d(c3),
            nn.SiLU(), nn.ConvTranspose3d(c3, c2, 2, stride=2), Res3d(c2), Res3d(c2),
            nn.SiLU(), nn.ConvTranspose3d(c2, c1, 2, stride=2), Res3d(c1), Res3d(c1),
            nn.SiLU(), nn.Conv3d(c1, 12, (1, 3, 3), padding=(0, 1, 1)),
        )
        self.merge = HaarMerge()

    def forward(self, latents: torch.Tensor) -> torch.Tensor:
        return self.merge(self.net(latents))


class HaarVae(nn.Module):
    def __init__(self, latent: int, chs: list[int]) -> None:
        super().__init__()
        self.encoder = VaeEncoder(latent, chs)
        self.decoder = VaeDecoder(latent, chs)


# ----------------------------------------------------------------------------------------------------
# Attention shared by the text encoder and the denoiser. `bias` is additive: 0 for keys to attend,
# -1e4 for padding ([B, 1, 1, L]); the softmax then gives padding a weight of exactly 0 in fp32.


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, kv_dim: int | None = None) -> None:
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(kv_dim or dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, ctx: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        b, n, d = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k, v = self.kv(ctx).reshape(b, ctx.shape[1], 2, h, d // h).permute(2, 0, 3, 1, 4).unbind(0)
        mask = None if bias is None else bias.to(q.dtype)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.out(o.transpose(1, 2).reshape(b, n, d))


class TextLayer(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.n1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.n2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(approximate="tanh"), nn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        y = self.n1(x)
        x = x + self.attn(y, y, bias)
        return x + self.mlp(self.n2(x))


class TextEncoder(nn.Module):
    """Word-level transformer: input_ids [B, L] int64 -> text_embeds [B, L, D]. Padding (id 0) is masked
    inside, so the ONNX model needs only the ids."""

    def __init__(self, vocab: int, max_len: int, dim: int, layers: int, heads: int, pad_id: int = 0) -> None:
        super().__init__()
        self.pad_id = pad_id
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, max_len, dim) * 0.02)
        self.layers = nn.ModuleList([TextLayer(dim, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        nn.init.normal_(self.tok.weight, std=0.02)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        pad = (input_ids == self.pad_id).to(torch.float32)
        bias = (pad * -1e4)[:, None, None, :]
        x = self.tok(input_ids) + self.pos[:, : input_ids.shape[1]]
        for layer in self.layers:
            x = layer(x, bias)
        return self.norm(x)


# ----------------------------------------------------------------------------------------------------
# SHDT-nano: diffusion transformer over latent tokens (one token per latent voxel, C values each).


def sincos(positions: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = positions.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


def sincos_3d(t: int, h: int, w: int, dim: int) -> torch.Tensor:
    """Factorised fixed embedding [t, h*w, dim]: dim/4 for time, 3*dim/8 each for rows and columns."""
    dt = dim // 4
    dh = (dim - dt) // 2
    dw = dim - dt - dh
    et = sincos(torch.arange(t), dt)[:, None, None, :].expand(t, h, w, dt)
    eh = sincos(torch.arange(h), dh)[None, :, None, :].expand(t, h, w, dh)
    ew = sincos(torch.arange(w), dw)[None, None, :, :].expand(t, h, w, dw)
    return torch.cat([et, eh, ew], dim=-1).reshape(t, h * w, dim)


class TimestepEmbed(nn.Module):
    def __init__(self, dim: int, freq_dim: int = 256) -> None:
        super().__init__()
        half = freq_dim // 2
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half),
                             persistent=False)
        self.mlp = nn.Sequential(nn.Linear(freq_dim, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        args = t.float()[:, None] * self.freqs[None]
        return self.mlp(torch.cat([torch.cos(args), torch.sin(args)], dim=1))


class DitBlock(nn.Module):
    """adaLN-Zero self-attention and MLP, plus cross-attention to the words."""

    def __init__(self, dim: int, heads: int, text_dim: int, mlp_ratio: int) -> None:
        super().__init__()
        self.n1 = nn.LayerNorm(dim, elementwise_affine=False)
        self.attn = Attention(dim, heads)
        self.n2 = nn.LayerNorm(dim)
        self.cross = Attention(dim, heads, kv_dim=text_dim)
        self.n3 = nn.LayerNorm(dim, elementwise_affine=False)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(approximate="tanh"),
                                 nn.Linear(mlp_ratio * dim, dim))
        self.mod = nn.Linear(dim, 6 * dim)
        nn.init.zeros_(self.mod.weight)
        nn.init.zeros_(self.mod.bias)
        nn.init.zeros_(self.cross.out.weight)
        nn.init.zeros_(self.cross.out.bias)

    def forward(self, x: torch.Tensor, c: torch.Tensor, ctx: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        s1, sc1, g1, s2, sc2, g2 = self.mod(F.silu(c)).unsqueeze(1).chunk(6, dim=-1)
        y = self.n1(x) * (1 + sc1) + s1
        x = x + g1 * self.attn(y, y, None)
        x = x + self.cross(self.n2(x), ctx, bias)
        return x + g2 * self.mlp(self.n3(x) * (1 + sc2) + s2)


class Shdt(nn.Module):
    """velocity = Shdt(latents [B,C,T,h,w], timestep [B] = sigma*1000, text_embeds [B,L,D], text_mask [B,L])."""

    def __init__(self, channels: int, height: int, width: int, max_frames: int, dim: int, depth: int, heads: int,
                 text_dim: int, mlp_ratio: int) -> None:
        super().__init__()
        self.dim = dim
        self.inp = nn.Linear(channels, dim)
        self.register_buffer("pos", sincos_3d(max_frames, height, width, dim), persistent=False)
        self.t_embed = TimestepEmbed(dim)
        self.text_pool = nn.Linear(text_dim, dim)
        self.blocks = nn.ModuleList([DitBlock(dim, heads, text_dim, mlp_ratio) for _ in range(depth)])
        self.final_norm = nn.LayerNorm(dim, elementwise_affine=False)
        self.final_mod = nn.Linear(dim, 2 * dim)
        self.out = nn.Linear(dim, channels)
        for layer in (self.final_mod, self.out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, latents: torch.Tensor, timestep: torch.Tensor, text_embeds: torch.Tensor,
                text_mask: torch.Tensor) -> torch.Tensor:
        b, ch, t, h, w = latents.shape
        x = self.inp(latents.flatten(2).transpose(1, 2))  # tokens in (t, h, w) order
        x = x + self.pos[:t].reshape(1, -1, self.dim).to(x.dtype)
        m = text_mask.to(text_embeds.dtype).unsqueeze(-1)
        pooled = (text_embeds * m).sum(1) / m.sum(1).clamp(min=1.0)
        c = self.t_embed(timestep) + self.text_pool(pooled)
        bias = ((1.0 - text_mask.float()) * -1e4)[:, None, None, :]
        for blk in self.blocks:
            x = blk(x, c, text_embeds, bias)
        shift, scale = self.final_mod(F.silu(c)).unsqueeze(1).chunk(2, dim=-1)
        x = self.out(self.final_norm(x) * (1 + scale) + shift)
        return x.transpose(1, 2).reshape(b, ch, t, h, w)


class TextToVideo(nn.Module):
    """Text encoder and denoiser trained together (one optimiser, one EMA)."""

    def __init__(self, text: TextEncoder, dit: Shdt) -> None:
        super().__init__()
        self.text = text
        self.dit = dit


# ----------------------------------------------------------------------------------------------------
# Upsampler x2: residual conv net at 64x64, PixelShuffle to 128x128, added to a nearest-neighbour base.


class Res2d(nn.Module):
    def __init__(self, ch: int) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1)
        nn.init.zeros_(self.c2.weight)
        nn.init.zeros_(self.c2.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.c2(F.silu(self.c1(x)))


class Upsampler(nn.Module):
    def __init__(self, ch: int, blocks: int) -> None:
        super().__init__()
        self.head = nn.Conv2d(3, ch, 3, padding=1)
        self.body = nn.Sequential(*[Res2d(ch) for _ in range(blocks)])
        self.tail = nn.Conv2d(ch, 12, 3, padding=1)
        nn.init.zeros_(self.tail.weight)
        nn.init.zeros_(self.tail.bias)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        base = F.interpolate(frames, scale_factor=2.0, mode="nearest")
        return base + F.pixel_shuffle(self.tail(self.body(self.head(frames))), 2)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
