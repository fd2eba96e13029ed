"""The core every layer stands on: errors, settings, topic names, dead-letter headers."""
