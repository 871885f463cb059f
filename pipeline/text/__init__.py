"""Text primitives: sentence segmentation with offsets, normalisation, script statistics."""
