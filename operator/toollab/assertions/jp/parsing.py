"""Parse JMESPath Community Edition into the `jmespath` package's AST, plus variables, `let` and arithmetic.

Pure: no I/O. Extends the package's Pratt parser with the community edition's grammar, as
jmespath-community/go-jmespath parses it: `$name` and `$` (root), `let $a = x in body`,
unary `+`/`-`, and `+ - * / % //` (and the Unicode minus, times and divide signs), the
multiplicative ones binding tighter than the additive ones, both tighter than comparisons.
"""

from __future__ import annotations

from typing import Any

from jmespath import ast, exceptions, parser

from toollab.assertions.jp import lexing

Node = dict[str, Any]

_ARITHMETIC = ("plus", "minus", "star", "multiply", "divide", "modulo", "div")


class CommunityParser(parser.Parser):  # type: ignore[misc]  # the jmespath package has no type hints
    """The `jmespath` package's parser, fed by `lexing.tokenize`, with the community edition's nodes."""

    BINDING_POWER = {
        **parser.Parser.BINDING_POWER,
        "variable": 0,
        "root": 0,
        "assign": 1,
        "plus": 6,
        "minus": 6,
        "multiply": 7,
        "divide": 7,
        "modulo": 7,
        "div": 7,
    }

    def parse_expression(self, expression: str) -> Node:
        """The AST of `expression` (never cached); ParseError or LexerError when malformed."""
        self._tokens = lexing.tokenize(expression)
        self._index = 0
        try:
            parsed: Node = self._expression(binding_power=0)
            if self._current_token() != "eof":
                token = self._lookahead_token(0)
                raise exceptions.ParseError(
                    token["start"], token["value"], token["type"], f"Unexpected token: {token['value']}"
                )
        except (exceptions.LexerError, exceptions.ParseError) as exc:
            exc.expression = expression
            raise
        return parsed

    def _token_nud_variable(self, token: lexing.Token) -> Node:
        return {"type": "variable", "children": [], "value": token["value"]}

    def _token_nud_root(self, token: lexing.Token) -> Node:
        return {"type": "root", "children": []}

    def _token_nud_unquoted_identifier(self, token: lexing.Token) -> Node:
        if token["value"] == "let" and self._current_token() == "variable":
            return self._parse_let()
        return ast.field(token["value"])  # type: ignore[no-any-return]

    def _parse_let(self) -> Node:
        """`let $a = expr, $b = expr in body` (after `let`)."""
        bindings: list[Node] = []
        while True:
            name = self._lookahead_token(0)
            self._match("variable")
            self._match("assign")
            bindings.append({"type": "binding", "value": name["value"], "children": [self._expression(0)]})
            if self._current_token() != "comma":
                break
            self._match("comma")
        keyword = self._lookahead_token(0)
        if keyword["type"] != "unquoted_identifier" or keyword["value"] != "in":
            self._raise_parse_error_for_token(keyword, "Expecting: 'in' after the let bindings")
        self._advance()
        body = self._expression(0)
        return {"type": "let", "children": [*bindings, body]}

    def _token_nud_plus(self, token: lexing.Token) -> Node:
        return self._unary("plus")

    def _token_nud_minus(self, token: lexing.Token) -> Node:
        return self._unary("minus")

    def _unary(self, operator: str) -> Node:
        operand = self._expression(self.BINDING_POWER[operator])
        return {"type": "unary_arithmetic", "value": operator, "children": [operand]}

    def _arithmetic(self, operator: str, left: Node) -> Node:
        right = self._expression(self.BINDING_POWER[operator])
        return {"type": "arithmetic", "value": operator, "children": [left, right]}

    def _token_led_plus(self, left: Node) -> Node:
        return self._arithmetic("plus", left)

    def _token_led_minus(self, left: Node) -> Node:
        return self._arithmetic("minus", left)

    def _token_led_star(self, left: Node) -> Node:
        # after a complete expression `*` can only be multiplication (`a.*` and `a[*]` are consumed earlier)
        return self._arithmetic("star", left)

    def _token_led_multiply(self, left: Node) -> Node:
        return self._arithmetic("multiply", left)

    def _token_led_divide(self, left: Node) -> Node:
        return self._arithmetic("divide", left)

    def _token_led_modulo(self, left: Node) -> Node:
        return self._arithmetic("modulo", left)

    def _token_led_div(self, left: Node) -> Node:
        return self._arithmetic("div", left)


def parse(expression: str) -> Node:
    """The AST of one community-edition JMESPath expression."""
    return CommunityParser().parse_expression(expression)


def walk(node: Node) -> list[Node]:
    """`node` and every node below it, depth first."""
    found = [node]
    for child in node.get("children", []):
        if isinstance(child, dict):
            found.extend(walk(child))
    return found


def is_arithmetic(operator: str) -> bool:
    """Whether `operator` is one of the binary arithmetic node values."""
    return operator in _ARITHMETIC
