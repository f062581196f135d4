"""Studying: answer checking, the rating policy, FSRS scheduling, the session queue, the engine
facade the interfaces use (engine.py), and the plain-text study mode (plain.py).

Nothing in this package imports Textual.
"""
