"""The step-execution core every suite format shares (and ToolTrial steps too).

One round of checks against the cluster, deleting and waiting until gone, and polling with
injected time. Knows no suite file format; never imports a format package.
"""

__all__: list[str] = []
