"""Document loading and structure: pure Python, no UI."""

from reader.document.load import SourceText, decode, load_text
from reader.document.model import Document, Note, Paragraph, Section, Sentence
from reader.document.parse import load_document, parse_source, parse_text
from reader.document.sentences import split_sentences

__all__ = [
    "Document",
    "Note",
    "Paragraph",
    "Section",
    "Sentence",
    "SourceText",
    "decode",
    "load_document",
    "load_text",
    "parse_source",
    "parse_text",
    "split_sentences",
]
