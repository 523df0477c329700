"""Top-level ``torch``/``torchvision`` stand-ins for child processes of ``ember.run`` (see torch/__init__.py)."""
