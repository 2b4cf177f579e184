"""The problem to show at the next start, kept in a small file so the first frame needs no numpy, no
bank and no database.

UI layer, standard library only (it is read before Textual is imported). After a problem is drawn in a
review, its *front* as drawn — title, prompt, the given parameters, the options, the equation card when
the front allows it, the answer placeholder — is written with what identifies it: template id, seed,
the template file's digest, and the launch it belongs to (database, folders, seed, study scope). The
next start draws it at once while the session loads; the session then regenerates the problem from
the same template and seed, and takes over only if the template file is unchanged and the regenerated
front is identical; otherwise the kept one is dropped silently and the session's next problem shown.
Nothing here grades: an answer is graded only against the regenerated instance.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

try:  # read before the first frame: the blake2 module alone, not hashlib (which loads OpenSSL)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

#: Bump when the file's meaning changes: an older file is then ignored.
VERSION = 1
#: A kept problem larger than this is not read (it is a few kB; anything bigger is not ours).
MAX_BYTES = 256 * 1024


class CardText(NamedTuple):
    """An equation card as drawn (what `EquationCard.show_equation` reads)."""

    name: str
    display: str


def plain_value(value: Any) -> Any:
    """A parameter value as JSON keeps it (numpy arrays and scalars become lists and numbers)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(f"a parameter of type {type(value).__name__} cannot be kept")


def file_digest(path: str | os.PathLike | None) -> str | None:
    """The content digest of a template file (None when it cannot be read)."""
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    return blake2b(data, digest_size=16).hexdigest()


def launch_key(db: str | os.PathLike, folders: list, seed: int | None, study: str | None) -> str:
    """What a kept problem belongs to: the same database, folders, `--seed` and study scope."""
    return json.dumps([os.path.abspath(db), [os.path.abspath(f) for f in folders], seed, study])


@dataclass(frozen=True)
class ProblemView:
    """The front of a problem as the review screen draws it (built from a real instance and front, or
    read back from the kept file: both draw through this one type)."""

    title: str
    topic: str
    equation: str
    prompt: str
    params: dict = field(default_factory=dict)
    options: tuple[str, ...] = ()
    card: CardText | None = None
    placeholder: str = ""

    @classmethod
    def of(cls, instance: Any, front: Any, placeholder: str) -> ProblemView:
        """The view of `instance` with its `front` (`trainer.core.templates.card_front.Front`).

        Raises:
            TypeError: a parameter value that is not a number, string or (nested) list of them.
        """
        card = front.card
        return cls(title=str(instance.title), topic=str(instance.topic), equation=str(instance.equation),
                   prompt=str(front.prompt),
                   params={str(k): plain_value(v) for k, v in (front.params or {}).items()},
                   options=tuple(str(o) for o in front.options),
                   card=None if card is None else CardText(str(card.name), str(card.display)),
                   placeholder=str(placeholder))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ProblemView:
        """Raises TypeError/ValueError/KeyError on anything but what `to_dict` wrote."""
        card = data["card"]
        view = cls(title=data["title"], topic=data["topic"], equation=data["equation"], prompt=data["prompt"],
                   params=dict(data["params"]), options=tuple(data["options"]),
                   card=None if card is None else CardText(*card), placeholder=data["placeholder"])
        texts = [view.title, view.topic, view.equation, view.prompt, view.placeholder, *view.options,
                 *(view.card or ()), *view.params]
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("a kept problem's text is not text")
        for value in view.params.values():
            plain_value(value)
        return view

    def normalized(self) -> ProblemView:
        """This view as it reads back from the file (what is compared at take-over)."""
        return ProblemView.from_dict(json.loads(json.dumps(self.to_dict())))


@dataclass(frozen=True)
class FirstProblem:
    """A kept problem: which one it is and its front."""

    template_id: str
    seed: int
    digest: str
    template_path: str
    key: str
    view: ProblemView

    def write(self, path: str | os.PathLike) -> None:
        """Write atomically (a crash leaves the old file or the new one, never half of one)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": VERSION, "template_id": self.template_id, "seed": self.seed, "digest": self.digest,
                "template_path": self.template_path, "key": self.key, "view": self.view.to_dict()}
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def read(cls, path: str | os.PathLike, key: str) -> FirstProblem | None:
        """The kept problem for this launch, if there is one and its template file is unchanged.

        Anything unexpected (no file, another launch's, another version, a changed template, a damaged
        file) reads as None: the start is then the ordinary one.
        """
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return None
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("version") != VERSION or data.get("key") != key:
                return None
            kept = cls(template_id=data["template_id"], seed=data["seed"], digest=data["digest"],
                       template_path=data["template_path"], key=key, view=ProblemView.from_dict(data["view"]))
        except (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError):
            return None
        if not (isinstance(kept.template_id, str) and isinstance(kept.seed, int) and not isinstance(kept.seed, bool)
                and isinstance(kept.template_path, str) and isinstance(kept.digest, str)):
            return None
        if file_digest(kept.template_path) != kept.digest:  # the bank changed: not this problem any more
            return None
        return kept


def remove(path: str | os.PathLike) -> None:
    """Forget the kept problem (it was answered)."""
    try:
        os.remove(path)
    except OSError:
        pass
