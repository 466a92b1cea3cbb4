"""Figures in the report in the units of its text: 5500 亿美元 on a Chinese page, 550 bn USD on an English one.

The graph holds each figure as the paper writes it, a value and a magnitude (5500 and 10⁸ for
5500 亿美元). Chinese readers count in 万 (10⁴), 亿 (10⁸) and 万亿 (10¹²), so a zh page keeps the
value as written with its magnitude's word; English readers count in thousands, millions, billions
and trillions, so an en page multiplies the value by its magnitude and scales the product to those.
"""

from __future__ import annotations

from decimal import Decimal

ZH_WORDS = {10**12: "万亿", 10**8: "亿", 10**4: "万"}
EN_SCALES = ((10**12, "tn"), (10**9, "bn"), (10**6, "million"))
# a unit's words after the number; a currency not listed keeps its ISO code
ZH_UNITS = {"USD": "美元", "CNY": "元", "persons": "人", "days": "天", "percent": "%"}
EN_UNITS = {"persons": "people", "days": "days", "percent": "%"}


def number(value) -> str:
    """A decimal as written, without a trailing .0 or exponent; "" for None."""
    if value is None:
        return ""
    d = Decimal(str(value))
    text = format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unit(unit: str | None, lang: str) -> str:
    words = ZH_UNITS if lang == "zh" else EN_UNITS
    return words.get(unit or "", unit or "")


def _join(amount: str, unit: str) -> str:
    """ "3.2" and "%" -> "3.2%"; otherwise the amount, a space and the unit."""
    if not unit:
        return amount
    return amount + unit if unit == "%" else f"{amount} {unit}"


def _zh(value: Decimal, magnitude: int, unit: str) -> str:
    """The value with its magnitude's word (5500 亿美元); a magnitude with no word is multiplied out and rescaled."""
    if magnitude in ZH_WORDS:
        return f"{number(value)} {ZH_WORDS[magnitude]}{unit}"
    total = value * magnitude
    for size, word in ZH_WORDS.items():  # largest first
        if abs(total) >= size:
            return f"{number(total / size)} {word}{unit}"
    return _join(number(total), unit)


def en_scale(peak: Decimal) -> tuple[int, str]:
    """The scale (10⁹, "bn") an English reader counts `peak` in; (1, "") below a million."""
    return next(((size, word) for size, word in EN_SCALES if abs(peak) >= size), (1, ""))


def _en(value: Decimal, magnitude: int, unit: str) -> str:
    """value x magnitude in thousands of digits below a million (10,000 USD), else in million / bn / tn (550 bn USD)."""
    total = value * magnitude
    size, word = en_scale(total)
    if not word:
        whole = number(total)
        head, dot, tail = whole.partition(".")
        return _join(f"{int(head):,}" + dot + tail, unit)
    return f"{number(total / size)} {word} {unit}".rstrip()


def amount(value, magnitude, unit: str | None, lang: str) -> str:
    """A figure in the units of the page's language: amount(5500, 10**8, "USD", "zh") is "5500 亿美元", in en "550 bn USD".

    `unit` is a currency code (USD, CNY) or a unit of the graph (persons, days, percent).
    """
    if value is None:
        return ""
    value, magnitude = Decimal(str(value)), int(Decimal(str(magnitude or 1)))
    words = _unit(unit, lang)
    if magnitude == 1:
        return _join(number(value), words)
    return _zh(value, magnitude, words) if lang == "zh" else _en(value, magnitude, words)


def table_unit(peak, magnitude, unit: str | None, lang: str) -> tuple[Decimal, str]:
    """For a table or chart of values of one magnitude: what to multiply each value by, and the unit to head it with.

    zh keeps the values as written under the magnitude's word (亿元); en scales them all to the scale of the
    largest (`peak`): 1216.8 (亿元) is shown as 121.68 under "bn CNY".
    """
    magnitude = int(Decimal(str(magnitude or 1)))
    words = _unit(unit, lang)
    if lang == "zh":
        if magnitude == 1 or magnitude in ZH_WORDS:
            return Decimal(1), ZH_WORDS.get(magnitude, "") + words
        return Decimal(magnitude), words
    size, word = en_scale(Decimal(str(peak)) * magnitude)
    return Decimal(magnitude) / size, f"{word} {words}".strip()
