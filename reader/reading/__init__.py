"""The reading session: everything the reader shows and remembers, without the UI.

:mod:`reader.reading.english` decides which English each sentence shows and
why; :mod:`reader.reading.session` holds a document being read (its blocks,
the English layer, position, bookmarks, saved words). The TUI draws a session
and binds keys to its methods; tests drive it without Textual.
"""
