"""The FastAPI service over graph-intel."""
