"""lintas: one shared view of parcels and service points across Indonesia's postal and
courier network, on Apache Kafka."""

__version__ = "0.1.0"
