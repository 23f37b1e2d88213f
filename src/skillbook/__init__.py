"""Skillbook core: reads a book of skills and chapters into a model, validates it
and renders its pages as Markdown. It has no MkDocs import, so any static-site
host (the MkDocs plugin in ``skillbook/mkdocs/`` today) can drive it."""

from skillbook.book import SKILLS_FOLDER, Book, load_book
from skillbook.problems import Problem

__all__ = ["SKILLS_FOLDER", "Book", "Problem", "load_book"]
