"""The Textual front end (UI layer): `TrainerApp`, its screens and widgets.

Talks only to `trainer.session` (and displays `trainer.core` types); never to storage. Importing this
package is cheap: the app lives in `trainer.ui.app`, screens are imported when first shown.
"""
