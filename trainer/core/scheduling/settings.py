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
