"""Signed distances (pixels, negative inside) of the world's four shapes, for numpy or torch alike.

`xp` is the array module (numpy or torch); only functions both share are used: sqrt, abs, maximum,
minimum, arctan2, remainder, cos, sin. `dx, dy` are offsets from the shape's centre in pixels (image
coordinates, y down) and `s` its size (the radius of the circle of the same nominal size), all arrays that
broadcast together. Anti-aliased coverage is clip(0.5 - d, 0, 1).
"""
from __future__ import annotations

import math

SQUARE_HALF = 0.886  # half side of a square with the area of the circle of radius 1
TRIANGLE_INRADIUS = 0.778  # inradius of an equilateral triangle with the circle's area (apex 2x higher)
STAR_OUTER = 1.35  # outer radius of the five-pointed star
STAR_INNER_RATIO = 0.45  # inner vertex radius / outer radius
SHAPE_EXTENT = 1.6  # no shape reaches further than this many `s` from its centre

_COS36 = math.cos(math.pi / 5)
_SIN36 = math.sin(math.pi / 5)
_SIN60 = math.sqrt(3.0) / 2.0


def circle(xp, dx, dy, s):
    return xp.sqrt(dx * dx + dy * dy) - s


def square(xp, dx, dy, s):
    return xp.maximum(xp.abs(dx), xp.abs(dy)) - SQUARE_HALF * s


def triangle(xp, dx, dy, s):
    """Equilateral, apex up, centroid at the centre: the largest of the three edge half-plane distances."""
    r = TRIANGLE_INRADIUS * s
    bottom = dy - r
    upper_right = _SIN60 * dx - 0.5 * dy - r
    upper_left = -_SIN60 * dx - 0.5 * dy - r
    return xp.maximum(bottom, xp.maximum(upper_right, upper_left))


def star(xp, dx, dy, s):
    """Five points, one pointing up. Folding the angle into [0, 36 deg] from the nearest point leaves one
    straight edge, from the point (R, 0) to the inner vertex (r cos36, r sin36); the signed distance to
    that edge's line is exact near the edge, which is all the anti-aliasing needs."""
    big_r = STAR_OUTER * s
    small_r = STAR_INNER_RATIO * big_r
    rho = xp.sqrt(dx * dx + dy * dy)
    theta = xp.arctan2(dx, -dy)  # 0 straight up, clockwise positive
    seg = 2.0 * math.pi / 5.0
    phi = xp.remainder(theta, seg)
    phi = xp.minimum(phi, seg - phi)
    u = rho * xp.cos(phi)
    v = rho * xp.sin(phi)
    ex = small_r * _COS36 - big_r
    ey = small_r * _SIN36
    norm = xp.sqrt(ex * ex + ey * ey)
    return (u - big_r) * (ey / norm) + v * (-ex / norm)


SDFS = [circle, square, triangle, star]  # index = world_spec.SHAPES index
