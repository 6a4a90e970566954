"""Records: the SQLAlchemy models, the engine and the unit of work, the migrations."""
