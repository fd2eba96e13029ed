"""Wire contracts of lintas: the Avro schemas (``*.avsc``), the codec and the canonical statuses."""
