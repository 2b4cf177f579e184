"""The learner's settings: their defaults and the check that normalises a new value.

Core layer, pure. Storage keeps the values; the CLI's `config` command and the session's overrides
go through `validate_setting`, so a bad value is refused with a message naming key and range.
"""

from __future__ import annotations

DEFAULT_SETTINGS: dict[str, object] = {
    "desired_retention": 0.90,
    "new_per_day": 10,
    "reviews_per_day": 200,
    "leech_threshold": 8,
    "leech_action": "tag",
    "backups_keep": 14,
    # Anki's "next day starts at": the local hour (0..23) a learning day begins.
    "next_day_starts_at": 4,
    # "local" (this machine's zone), "UTC" or an IANA name; days, limits, streaks and the heatmap follow it.
    "timezone": "local",
}


def validate_setting(key: str, value: object) -> object:
    """Check and normalise one setting.

    Args:
        key: a key of DEFAULT_SETTINGS.
        value: the new value (a string from the command line is converted).

    Returns:
        The value in its proper type.

    Raises:
        ValueError: unknown key or a value out of range, with a message naming both.
    """
    if key not in DEFAULT_SETTINGS:
        raise ValueError(f"unknown setting {key!r} (known: {', '.join(DEFAULT_SETTINGS)})")
    if key == "timezone":
        from trainer.core.scheduling.days import LOCAL_ZONE, resolve_timezone

        text = str(value).strip()
        if text.lower() == LOCAL_ZONE:
            return LOCAL_ZONE
        try:
            resolve_timezone(text)
        except ValueError as exc:
            raise ValueError(f"setting 'timezone': {exc}") from None
        return "UTC" if text.upper() == "UTC" else text
    if key == "next_day_starts_at":
        return _hour(value)
    try:
        if key == "desired_retention":
            out: object = float(value)  # type: ignore[arg-type]
            if not 0.70 <= out <= 0.99:  # type: ignore[operator]
                raise ValueError
        elif key == "leech_action":
            out = str(value)
            if out not in ("tag", "suspend"):
                raise ValueError
        else:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            out = int(value)  # type: ignore[call-overload]
            low = 1 if key in ("leech_threshold", "backups_keep") else 0
            if not low <= out <= 100_000:  # type: ignore[operator]
                raise ValueError
    except (TypeError, ValueError):
        allowed = {
            "desired_retention": "a number between 0.70 and 0.99",
            "leech_action": "'tag' or 'suspend'",
        }.get(key, "a whole number ≥ 1" if key in ("leech_threshold", "backups_keep") else "a whole number ≥ 0")
        raise ValueError(f"setting {key!r} must be {allowed}, got {value!r}") from None
    return out


def _hour(value: object) -> int:
    """A whole hour 0..23, from 4, "4" or "04:00"."""
    text = str(value).strip()
    if isinstance(value, str) and ":" in text:
        hours, _, minutes = text.partition(":")
        text = hours if minutes.strip() in ("0", "00") else "x"
    try:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
        hour = int(float(text)) if isinstance(value, float) else int(text)
    except (TypeError, ValueError):
        hour = -1
    if isinstance(value, bool) or not 0 <= hour <= 23:
        raise ValueError(f"setting 'next_day_starts_at' must be a whole hour 0..23 (e.g. 4 or 04:00), "
                         f"got {value!r}")
    return hour
