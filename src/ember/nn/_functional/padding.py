"""(filled in by the nn issues)"""
__all__ = []
