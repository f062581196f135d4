"""The SQLite store: decks, question items with their FSRS state, and the append-only review log.

database.py opens and migrates the file, schema.py is the schema, decks.py registers decks and
keeps their items in step with the deck, items.py reads and writes an item's schedule, reviews.py
is the review log. Nothing here imports the scheduler or the interface.
"""
