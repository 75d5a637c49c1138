"""Tokens of JMESPath Community Edition: the `jmespath` package's plus `$name`, `$`, arithmetic and `=`.

Pure: no I/O. Emits tokens in the `jmespath` package's dict shape (`type`, `value`, `start`,
`end`) so that its Pratt parser can consume them; the grammar follows
jmespath-community/go-jmespath, the engine Chainsaw and kyverno-json embed.
"""

from __future__ import annotations

import json
import string
from typing import Any

from jmespath import exceptions

Token = dict[str, Any]

_IDENTIFIER_START = frozenset(string.ascii_letters + "_")
_IDENTIFIER = frozenset(string.ascii_letters + string.digits + "_")
_DIGITS = frozenset(string.digits)
_SPACE = frozenset(" \t\n\r")
_SINGLE = {
    ".": "dot",
    "*": "star",
    "]": "rbracket",
    ",": "comma",
    ":": "colon",
    "@": "current",
    "(": "lparen",
    ")": "rparen",
    "{": "lbrace",
    "}": "rbrace",
    "+": "plus",
    "%": "modulo",
    "\u2212": "minus",  # the community edition accepts the Unicode minus, times and divide signs
    "\u00d7": "multiply",
    "\u00f7": "divide",
}
# first character -> (second character, type when both, type when only the first)
_PAIRS = {
    "|": ("|", "or", "pipe"),
    "&": ("&", "and", "expref"),
    "<": ("=", "lte", "lt"),
    ">": ("=", "gte", "gt"),
    "!": ("=", "ne", "not"),
    "=": ("=", "eq", "assign"),
    "/": ("/", "div", "divide"),
}


class _Scanner:
    """Walks one expression and yields its tokens."""

    def __init__(self, expression: str) -> None:
        if not expression:
            raise exceptions.EmptyExpressionError()
        self.text = expression
        self.pos = 0

    def peek(self, offset: int = 0) -> str:
        at = self.pos + offset
        return self.text[at] if at < len(self.text) else ""

    def tokens(self) -> list[Token]:
        found: list[Token] = []
        while self.pos < len(self.text):
            token = self.next_token()
            if token is not None:
                found.append(token)
        found.append(_token("eof", "", len(self.text), len(self.text)))
        return found

    def next_token(self) -> Token | None:
        char, start = self.peek(), self.pos
        if char in _SPACE:
            self.pos += 1
            return None
        if char in _SINGLE:
            self.pos += 1
            return _token(_SINGLE[char], char, start, self.pos)
        if char in _PAIRS:
            return self.pair(char)
        if char in _IDENTIFIER_START:
            return _token("unquoted_identifier", self.word(), start, self.pos)
        if char == "$":
            self.pos += 1
            name = self.word()
            return _token("variable", name, start, self.pos) if name else _token("root", "$", start, self.pos)
        if char in _DIGITS or (char == "-" and self.peek(1) in _DIGITS):
            return self.number()
        if char == "-":
            self.pos += 1
            return _token("minus", "-", start, self.pos)
        if char == "[":
            return self.bracket()
        if char in "'\"`":
            return self.quoted(char)
        raise exceptions.LexerError(
            lexer_position=start, lexer_value=char, message=f"Unknown character {char!r}"
        )

    def word(self) -> str:
        start = self.pos
        while self.peek() in _IDENTIFIER and self.peek():
            self.pos += 1
        return self.text[start : self.pos]

    def pair(self, char: str) -> Token:
        second, both, single = _PAIRS[char]
        start = self.pos
        if self.peek(1) == second:
            self.pos += 2
            return _token(both, char + second, start, self.pos)
        self.pos += 1
        return _token(single, char, start, self.pos)

    def number(self) -> Token:
        start = self.pos
        self.pos += 1
        while self.peek() in _DIGITS and self.peek():
            self.pos += 1
        return _token("number", int(self.text[start : self.pos]), start, self.pos)

    def bracket(self) -> Token:
        start, after = self.pos, self.peek(1)
        if after == "]":
            self.pos += 2
            return _token("flatten", "[]", start, self.pos)
        if after == "?":
            self.pos += 2
            return _token("filter", "[?", start, self.pos)
        self.pos += 1
        return _token("lbracket", "[", start, self.pos)

    def quoted(self, delimiter: str) -> Token:
        start = self.pos
        body = self.until(delimiter)
        if delimiter == "'":
            return _token("literal", body.replace("\\'", "'"), start, self.pos)
        if delimiter == '"':
            return _token("quoted_identifier", self.json(f'"{body}"', start), start, self.pos)
        return _token("literal", self.json(body.replace("\\`", "`"), start), start, self.pos)

    def until(self, delimiter: str) -> str:
        """The text up to the closing `delimiter` (a backslash escapes it); the cursor moves past it."""
        start = self.pos
        self.pos += 1
        chars: list[str] = []
        while self.peek() != delimiter:
            if not self.peek():
                raise exceptions.LexerError(
                    lexer_position=start,
                    lexer_value=self.text[start:],
                    message=f"Unclosed {delimiter} delimiter",
                )
            if self.peek() == "\\" and self.peek(1):
                chars.append("\\")
                self.pos += 1
            chars.append(self.peek())
            self.pos += 1
        self.pos += 1
        return "".join(chars)

    def json(self, text: str, start: int) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            raise exceptions.LexerError(
                lexer_position=start, lexer_value=text, message=f"Bad JSON literal {text}"
            ) from None


def tokenize(expression: str) -> list[Token]:
    """Every token of `expression`, ending with `eof`; LexerError on an unknown character."""
    return _Scanner(expression).tokens()


def _token(kind: str, value: Any, start: int, end: int) -> Token:
    return {"type": kind, "value": value, "start": start, "end": end}
