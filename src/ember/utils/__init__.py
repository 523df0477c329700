"""ember.utils: data loading and helpers."""
