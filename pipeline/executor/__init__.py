"""Executors run stages over column batches. Stages know nothing about where they run."""
