"""This book's entry point into Skillbook, as mkdocs.yml's ``hooks:`` names it.

All of Skillbook's MkDocs machinery is the ``skillbook`` plugin
(``src/skillbook/mkdocs/plugin.py``); this file creates the one plugin object
and hands MkDocs its events. Another book installs Skillbook and writes
``plugins: [search, skillbook]`` in its mkdocs.yml instead (README.md); a book
names one or the other, not both.
"""

from skillbook.mkdocs.plugin import SkillbookPlugin

skillbook = SkillbookPlugin()
skillbook.load_config({})

on_startup = skillbook.on_startup
on_config = skillbook.on_config
on_serve = skillbook.on_serve
on_pre_build = skillbook.on_pre_build
on_files = skillbook.on_files
on_nav = skillbook.on_nav
on_page_markdown = skillbook.on_page_markdown
on_env = skillbook.on_env
on_page_context = skillbook.on_page_context
on_post_page = skillbook.on_post_page
on_post_build = skillbook.on_post_build
on_build_error = skillbook.on_build_error
on_shutdown = skillbook.on_shutdown
