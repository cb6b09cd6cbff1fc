"""Review of disagreements and adjudication into the gold layer (docs/review.md)."""
