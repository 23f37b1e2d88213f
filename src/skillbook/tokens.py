"""An estimate of a prompt's length in tokens, as the byte-pair encodings of
current models count them (cl100k_base, o200k_base), with nothing to download.

The method: the text is cut into the pieces such encodings start from, and each
piece is counted for what it usually costs:
- a word, with the space before it: one token per 6.5 letters, at least one;
- a run of up to three digits: one token;
- a run of punctuation: one token per two characters, at least one;
- a run of white space (a line break, an indent): one token.

Checked against gpt-tokenizer 2.9 (cl100k_base) on the 320 distinct prompts of
the bench book, the fixture book and the seed: 4% high on average, within 9%
for nine prompts in ten, 17% at worst."""

from __future__ import annotations

import re

PIECE = re.compile(r" ?[A-Za-z]+| ?\d{1,3}| ?[^\sA-Za-z\d]+|\s+")
LETTERS_PER_TOKEN = 6.5
PUNCTUATION_PER_TOKEN = 2


def estimate_tokens(text: str) -> int:
    total = 0
    for match in PIECE.finditer(text):
        piece = match.group().lstrip(" ") or " "
        if piece[0].isalpha():
            total += max(1, round(len(piece) / LETTERS_PER_TOKEN))
        elif piece[0].isdigit() or piece.isspace():
            total += 1
        else:
            total += max(1, round(len(piece) / PUNCTUATION_PER_TOKEN))
    return total
