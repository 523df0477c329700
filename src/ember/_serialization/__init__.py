"""Private parts of ``ember.serialization``: the zip/pickle writer and reader and safetensors."""
