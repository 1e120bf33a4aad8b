"""photoarchive: a desktop photo archive for historic photographs."""

__version__ = "0.1.0"
