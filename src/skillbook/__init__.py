"""Skillbook core: reads a book of skills and chapters into a model, validates it
and renders its pages as Markdown. It has no MkDocs import, so any static-site
host (the MkDocs hook in ``hooks/`` today) can drive it."""

from skillbook.book import Book, load_book
from skillbook.problems import BookError, Problem

__all__ = ["Book", "BookError", "Problem", "load_book"]
