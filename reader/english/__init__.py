"""The English side: which English each sentence has and why, and where it comes from.

In order of trust: your edits, an aligned human translation, translation-memory
hits, machine translation, the gloss (:mod:`reader.english.layer`). An existing
English translation is paired with its Chinese offline, chapter by chapter and
sentence by sentence (:mod:`reader.english.align`); the translation memory is
read from and written to the files CAT tools exchange (:mod:`reader.english.memory_files`).
"""
