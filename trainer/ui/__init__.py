"""The Textual front end. Talks to `trainer.session`, never to storage."""
