"""Stream processing: the Faust app and agents, reconciliation, the view store and sink."""
