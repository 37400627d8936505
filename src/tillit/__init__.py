"""Tillit: a webshop whose handling of personal data is what its privacy policy says."""
