"""redhive: an open platform for collaborative AI red teaming."""

__version__ = "0.1.0"

__all__ = ["__version__"]
