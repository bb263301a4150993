"""Shared helpers for checks: formatting expectations and how values read in
a Vietnamese report."""

from __future__ import annotations

from ..layout.rules import Range, element, size_range
from .registry import Context
from .view import Block


def num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_style(block: Block) -> str:
    parts = []
    parts.append("in đậm" if block.all_bold else "in đậm một phần" if block.any_bold else "không đậm")
    parts.append("nghiêng" if block.all_italic else "nghiêng một phần" if block.any_italic else "đứng")
    return ", ".join(parts)


def expect_size(ctx: Context, rule: str, block: Block | None, name: str, rng: Range | None = None) -> bool:
    if block is None:
        return True
    rng = rng or size_range(name)
    bad = sorted(s for s in block.sizes if not rng.contains(s, 0.26))
    if bad:
        ctx.report(rule, f"'{short(block.text)}' cỡ {', '.join(num(s) for s in bad)} pt", f"cỡ chữ {rng} pt", block)
        return False
    return True


def expect_style(ctx: Context, rule: str, block: Block | None, *, bold: bool | None = None,
                 italic: bool | None = None, underline: bool | None = None, what: str = "") -> bool:
    """Bold/italic/underline as required; one finding listing every difference."""
    if block is None:
        return True
    wrong = []
    if bold is True and not block.all_bold:
        wrong.append("in đậm")
    if bold is False and block.any_bold:
        wrong.append("không in đậm")
    if italic is True and not block.all_italic:
        wrong.append("in nghiêng")
    if italic is False and block.any_italic:
        wrong.append("chữ đứng (không nghiêng)")
    if underline is False and block.any_underline:
        wrong.append("không gạch chân")
    if wrong:
        ctx.report(rule, f"'{short(block.text)}' {describe_style(block)}" + (", có gạch chân" if block.any_underline else ""),
                   (what + ": " if what else "") + ", ".join(wrong), block)
        return False
    return True


def element_style(ctx: Context, rule: str, block: Block | None, name: str) -> bool:
    """Bold/italic as the YAML says for element ``name``."""
    rules = element(name)
    return expect_style(ctx, rule, block, bold=rules.get("bold"), italic=rules.get("italic"),
                        underline=rules.get("underline"))
