"""What every app stands on: errors, API base classes, database helpers, the clock, inputs,
filters and network helpers. It imports no app of the project."""
