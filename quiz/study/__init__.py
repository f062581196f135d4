"""Studying: answer checking, the rating policy, FSRS scheduling, the session queue, the engine
facade the interfaces use (engine.py), the plain-text study mode (plain.py), and importing deck
files with their review history (importing.py).

Nothing in this package imports Textual.
"""
