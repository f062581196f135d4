"""quiz: study facts in the terminal. The package imports nothing heavy; see quiz.cli."""

__version__ = "0.1.0"
