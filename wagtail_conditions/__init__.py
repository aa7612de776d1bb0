"""Structured condition and therapy pages, appointment requests and a headless API for Wagtail."""

__version__ = "0.1.0"
