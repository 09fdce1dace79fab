"""gdsheet: a desktop spreadsheet in which gradient descent is something you can see."""
__version__ = "0.1.0"
