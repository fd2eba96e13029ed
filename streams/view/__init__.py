"""The shared view in SQL (SQLAlchemy 2): models, migrations, the store and the sink."""
