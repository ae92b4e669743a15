"""Data kinds: for each, its schema, loader and build-time checks, loaded and validated once per process.

The floor between the engine and the pages: it imports engine/ and the standard library (plus PyYAML),
never macros/ or tools/, so the command-line scorer and the post-build step can use it without MkDocs.
"""
