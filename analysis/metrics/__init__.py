"""What figures the documents state: metric definitions, number parsing, extraction with
provenance, and comparison across counties."""
