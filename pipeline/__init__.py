"""The deliberation pipeline: parse -> segment -> extract -> normalize -> load."""
