"""Synthetic demo data for the fictional borough of Northbury. Nothing here is about real people."""
