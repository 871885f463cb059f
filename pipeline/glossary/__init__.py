"""Glossary: termbases (TSV/CSV/TBX), Aho-Corasick term matching, fixes and the review page."""
