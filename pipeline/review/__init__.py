"""Editor review: a self-contained HTML page for a finished run, and applying its decisions."""
