"""Writers: atomic file output, the cleaned copy of each input, segments and summary."""
