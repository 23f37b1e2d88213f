"""axe-core's answers, as the accessibility tests judge and print them."""

from __future__ import annotations

# Impacts that fail a page whatever the rule.
BLOCKING = ("serious", "critical")


def describe(violations: list[dict]) -> str:
    """Each violation with its first five elements and why they fail, a line each."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            html = " ".join(node["html"].split())[:160]
            why = " ".join(node.get("failureSummary", "").split())[:240]
            lines.append(f"    {' '.join(map(str, node['target']))}: {html}\n      {why}")
    return "\n".join(lines)
