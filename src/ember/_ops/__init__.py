"""The op table: every differentiable primitive, forward on arrays and backward on Tensors.

``elementwise`` (arithmetic and math), ``reduce`` (sums, means, extrema), ``shape`` (views,
joins, indexing), ``linalg`` (matmul family). Composite ops built from these live next to
their users (``ember.nn.functional``) and need no backward of their own.
"""
