"""Operators' files into articles: importing pages and documents, cleaning scrapes."""
