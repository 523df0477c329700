"""ember.nn.modules: one file per layer family; __all__ lists every public layer."""
__all__ = []
