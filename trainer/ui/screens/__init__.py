"""The trainer's screens, one per module, imported lazily by the app when first shown."""
