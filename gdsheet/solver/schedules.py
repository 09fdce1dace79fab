"""Learning-rate schedules: the rate at step k of n, as a pure function of the base rate."""
from __future__ import annotations

import math


def lr_at(schedule: str, lr: float, k: int, n: int) -> float:
    """The learning rate for step k (0-based) of n steps.

    constant: lr throughout. step: lr, then lr/10 from half way, lr/100 from three quarters (the classic decay).
    cosine: from lr down to 0 along half a cosine. onecycle: up from lr/25 to lr over the first 30% of the steps,
    then down to lr/10^4 (Smith's one-cycle policy, with torch's OneCycleLR defaults).
    """
    frac = min(k / max(n, 1), 1.0)
    if schedule == "constant":
        return lr
    if schedule == "step":
        return lr * (1.0 if frac < 0.5 else 0.1 if frac < 0.75 else 0.01)
    if schedule == "cosine":
        return lr * 0.5 * (1 + math.cos(math.pi * frac))
    if schedule == "onecycle":
        warm, low, final = 0.3, lr / 25, lr / 25 / 1e4
        if frac < warm:
            return _cos_between(low, lr, frac / warm)
        return _cos_between(lr, final, (frac - warm) / (1 - warm))
    raise ValueError(f"unknown schedule {schedule!r}")


def _cos_between(start: float, end: float, t: float) -> float:
    return end + (start - end) * 0.5 * (1 + math.cos(math.pi * t))
