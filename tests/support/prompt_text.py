"""Prompts Hypothesis makes up, as an author could type them, and the fence
that holds one."""

from __future__ import annotations

import re

from hypothesis import strategies as st

# Any Unicode a person can type (control characters other than tab are
# rejected by the checker), weighted towards what Markdown, HTML and Jinja treat specially.
prompt_text = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(["\t", "\n", " ", "`", "```", "~~~", "<", ">", "&", "&amp;", "{{ 7*7 }}", "{% if %}",
                         "{#x}", "*", "_", "|", "\\", "<!--", "-->", "<script>", "    ", "#", "[a](b)", ":smile:",
                         "\n```python\nprint(1)\n```\n", "\n~~~\nx\n~~~\n", "\n!!! note\n    x\n",
                         "\n*[HTML]: Hyper\n", "\n<div markdown>\n*x*\n</div>\n", "\n    indented\n"]),
    ),
).map(lambda parts: "@tester " + "".join(parts)).filter(lambda text: text[len("@tester "):].strip())


def longest_backtick_run(text: str) -> int:
    """The longest run of backticks in ``text``: a fence holding it needs one more."""
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
