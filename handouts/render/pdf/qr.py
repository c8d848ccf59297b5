"""The QR page id's modules (version 1, error correction M): the symbol ReportLab makes, made faster.

ReportLab's ``QRCode.make`` lays the whole symbol out nine times (once for each of the eight masks,
to score it, and once more for the best), scores each in lists of booleans and works out its
error correction with polynomial objects. Here the fixed patterns and the order of the data
modules are taken from ReportLab once per process; a page id then costs its bit stream, a short
Reed-Solomon division, one pass placing the bits, and eight scores. The symbol is held as one
integer, row r in bits ``r * _WIDTH`` onwards with a blank bit between rows, so each scoring rule
is a handful of operations over the whole symbol.

The score is ReportLab's (``QRUtil.getLostPoint``), which is not quite ISO 18004's, so the mask
chosen, and with it the symbol, is the one ReportLab would draw. It is counted on the symbol with
its format modules light, as ReportLab counts it, and the lowest mask number wins a tie:

- a run of five or more modules of one colour in a row or a column: its length less 2;
- each 2x2 block of one colour: 3;
- a row holding dark-light-dark-dark-dark-light-dark then four light modules, starting in one of
  its first ten columns: 40, once a row (ReportLab stops its scan one place short of the eleventh
  start, looks for the pattern one way round only, and never finds it in a column, whose tuple it
  compares with a list);
- the dark share: 10 for each whole 5% step away from half, after a floor division.

ReportLab internals used (``reportlab.graphics.barcode.qrencoder``): ``QRCode.addData`` and
``QRCode.dataList`` (the choice of mode) and each data's ``write``, given a stand-in for
``QRBitBuffer`` that has only ``put``; once per process ``QRCode.makeImpl``, ``QRCode.modules``, ``QRCode.dataPosIterator`` and
``QRUtil.getMask`` (the fixed patterns, the format modules of each mask, the data modules' order).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.graphics.barcode import qrencoder

#: Modules a side of a version 1 symbol.
SIZE = 21
#: Version 1-M: one block of 16 data codewords and 10 error correction codewords.
DATA_CODEWORDS, CHECK_CODEWORDS = 16, 10
_LEVEL = qrencoder.QRErrorCorrectLevel.M
_WIDTH = SIZE + 1  # bits a row takes in the packed symbol: its modules and a blank bit
_ROW = (1 << SIZE) - 1


def _each_row(bits: int, rows: range = range(SIZE)) -> int:
    """``bits`` (a row's worth) repeated in each of ``rows`` of the packed symbol."""
    return sum(bits << (r * _WIDTH) for r in rows)


_ALL = _each_row(_ROW)
_BUT_LAST_COLUMN = _each_row(_ROW >> 1)  # columns 0 to 19
_FIRST_17 = _each_row((1 << 17) - 1)  # where a run of five along a row can start
_FIRST_10 = _each_row((1 << 10) - 1)  # where ReportLab looks for the finder-like pattern
_BUT_LAST_ROW = _each_row(_ROW, range(SIZE - 1))
_COLUMN_0 = _each_row(1)


def _pack(rows: list[int] | tuple[int, ...]) -> int:
    return sum(row << (r * _WIDTH) for r, row in enumerate(rows))


def _unpack(symbol: int) -> tuple[int, ...]:
    return tuple((symbol >> (r * _WIDTH)) & _ROW for r in range(SIZE))


@dataclass(frozen=True)
class _Frame:
    """What every version 1-M symbol shares, packed."""

    places: tuple[int, ...]  # the bit of each data module, in the order the codewords' bits fill them
    scored: int  # the fixed patterns with the format modules light, as ReportLab scores them
    fixed: tuple[int, ...]  # for each mask: the fixed patterns with its format modules
    flips: tuple[int, ...]  # for each mask: the data modules it turns over


@cache
def _frame() -> _Frame:
    code = qrencoder.QRCode(1, _LEVEL)
    code.addData("0")
    code.makeImpl(True, 0)
    places = tuple((row, column) for column, row in code.dataPosIterator())
    data = set(places)

    def fixed_patterns() -> int:
        return sum(1 << (r * _WIDTH + c) for r, row in enumerate(code.modules) for c, dark in enumerate(row)
                   if dark and (r, c) not in data)

    scored = fixed_patterns()
    fixed = []
    for mask in range(8):
        code.makeImpl(False, mask)
        fixed.append(fixed_patterns())
    flips = tuple(sum(1 << (r * _WIDTH + c) for r, c in places if qrencoder.QRUtil.getMask(mask)(r, c))
                  for mask in range(8))
    return _Frame(tuple(1 << (r * _WIDTH + c) for r, c in places), scored, tuple(fixed), flips)


@cache
def _nibble_places() -> tuple[tuple[int, ...], ...]:
    """For each half codeword (four bits, the first bit highest), the data modules each of its 16 values
    darkens: the codewords placed 4 bits at a time rather than bit by bit."""
    places = _frame().places
    out = []
    for start in range(0, len(places), 4):
        four = places[start:start + 4]
        out.append(tuple(sum(four[k] for k in range(4) if value >> (3 - k) & 1) for value in range(16)))
    return tuple(out)


def _score(symbol: int) -> int:
    across = ~(symbol ^ (symbol >> 1)) & _BUT_LAST_COLUMN  # a module like the one right of it
    down = ~(symbol ^ (symbol >> _WIDTH)) & _BUT_LAST_ROW  # a module like the one under it
    score = 0
    for alike, step in ((across, 1), (down, _WIDTH)):  # runs of five or more
        five = alike & (alike >> step) & (alike >> 2 * step) & (alike >> 3 * step)
        if step == 1:
            five &= _FIRST_17
        score += five.bit_count() + 2 * (five & ~(five << step)).bit_count()
    score += 3 * (across & down & (down >> 1)).bit_count()  # 2x2 blocks
    light = ~symbol
    found = (symbol & (light >> 1) & (symbol >> 2) & (symbol >> 3) & (symbol >> 4) & (light >> 5) & (symbol >> 6)
             & (light >> 7) & (light >> 8) & (light >> 9) & (light >> 10) & _FIRST_10)
    for step in (1, 2, 4, 8):  # gather each row's finds into its first column
        found |= found >> step
    score += 40 * (found & _COLUMN_0).bit_count()
    dark = symbol.bit_count()
    return score + 10 * (abs(100 * dark // (SIZE * SIZE) - 50) // 5)


def penalty(rows: list[int] | tuple[int, ...]) -> int:
    """ReportLab's mask score (``QRUtil.getLostPoint``) of a 21x21 symbol given as rows of bits
    (bit c is column c, 1 dark)."""
    return _score(_pack(rows) & _ALL)


@cache
def _gf() -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """GF(256) exponents and logarithms (QR's polynomial 0x11D), and the generator of 10 check codewords."""
    exp = [1] * 512
    for i in range(1, 512):
        exp[i] = exp[i - 1] << 1 ^ (0x11D if exp[i - 1] & 0x80 else 0)
    log = [0] * 256
    for i in range(255):
        log[exp[i]] = i
    generator = [1]
    for i in range(CHECK_CODEWORDS):  # times (x - a^i)
        generator = [a ^ (exp[log[b] + i] if b else 0) for a, b in zip([*generator, 0], [0, *generator])]
    return tuple(exp), tuple(log), tuple(generator)


class _Bits:
    """A bit stream as one integer, for ReportLab's data objects to ``put`` themselves into."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, number: int, length: int) -> None:
        self.value = self.value << length | (number & ((1 << length) - 1))
        self.length += length


def _codewords(text: str) -> list[int]:
    code = qrencoder.QRCode(1, _LEVEL)
    code.addData(text)
    bits = _Bits()
    for data in code.dataList:
        data.write(bits, 1)
    capacity = DATA_CODEWORDS * 8
    if bits.length > capacity:
        raise ValueError(f"{text!r} does not fit a version 1 QR code")
    # the end code (four zero bits, when there is room) and zeros to a whole byte, then the pad bytes
    used = -(-min(bits.length + 4, capacity) // 8)
    words = [*(bits.value << (used * 8 - bits.length)).to_bytes(used, "big")]
    words += [0xEC, 0x11] * ((DATA_CODEWORDS - used) // 2) + [0xEC] * ((DATA_CODEWORDS - used) % 2)
    # The remainder of the division by the generator, its 10 codewords held as one 80-bit integer
    # (the first codeword highest): each step shifts it a codeword on and subtracts the generator
    # times the leading factor, a product looked up whole (``_times_generator``).
    times = _times_generator()
    check = 0
    for word in words:
        check = ((check << 8) & _CHECK_MASK) ^ times[word ^ (check >> _CHECK_TOP)]
    return words + [*check.to_bytes(CHECK_CODEWORDS, "big")]


_CHECK_TOP = 8 * (CHECK_CODEWORDS - 1)
_CHECK_MASK = (1 << 8 * CHECK_CODEWORDS) - 1


@cache
def _times_generator() -> tuple[int, ...]:
    """For each factor 0 to 255, the generator's 10 lower coefficients times it in GF(256), packed as
    the remainder is (the first codeword highest)."""
    exp, log, generator = _gf()
    return tuple(int.from_bytes(bytes(exp[log[g] + log[factor]] if factor else 0 for g in generator[1:]), "big")
                 for factor in range(256))


def qr_rows(text: str) -> tuple[int, ...]:
    """The modules of ``text`` as a version 1-M QR code, a row of bits each (bit c is column c, 1 dark).

    Raises ValueError when ``text`` does not fit version 1 at error correction M.
    """
    codewords = _codewords(text)
    frame = _frame()
    nibbles = _nibble_places()
    data = 0
    for index, word in enumerate(codewords):  # each codeword's modules, four bits at a time
        data |= nibbles[2 * index][word >> 4] | nibbles[2 * index + 1][word & 15]
    scores = [_score(frame.scored | (data ^ flips)) for flips in frame.flips]
    best = scores.index(min(scores))  # the first of equals, as ReportLab
    return _unpack(frame.fixed[best] | (data ^ frame.flips[best]))


__all__ = ["SIZE", "penalty", "qr_rows"]
