"""The shared CEL engine: `compile_expression(source)` once, `Program.evaluate(bindings)` many times.

Pure (no I/O, no kubernetes, no kopf), below `assertions`, so the KUTTL side and the Chainsaw
dialect use one engine. The Kubernetes CEL libraries (quantity, lists, strings, regex) are
registered by the engine itself.
"""

from toollab.cel.engine import Program, compile_expression
from toollab.errors import CelError

__all__ = ["CelError", "Program", "compile_expression"]
