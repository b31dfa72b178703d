"""Offline translation: argos packages decoded with CTranslate2, a gloss fallback, a cache."""
