"""Reusable widgets of the trainer's UI, one per module; they display, they hold no domain logic."""
