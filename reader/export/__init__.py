"""Exports: the aligned bilingual document in seven formats, the glossary, vocabulary.

Pure Python (no UI). :mod:`reader.export.formats` lists every format and is
cheap to import (the CLI reads it on every start); :mod:`reader.export.document`
writes a document; :mod:`reader.export.aligned` is what every format reads;
one module per format writes it.
"""
