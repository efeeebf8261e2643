"""Core's texts in the user's language, without Qt: templates that remember their parameters.

The CLI speaks English; the wizard shows core's problem messages, fixes, step titles and
verdicts in the user's language. Core stays Qt-free, so it cannot use Qt's translation; and a
message translated when it is made would reach the CLI and JSON in Chinese. Instead core writes
each text as an English template with named parameters::

    text("The model takes {count} input channel(s) ({names}).", count=2, names="T1, T2")

which *is* a ``str`` (the English text, as before: the CLI, ``--json``, logs and tests see no
difference) that also remembers its template and parameters. The wizard turns it into the
user's language with :func:`translate` and a catalog (``resources/translations/core/<lang>/
*.json``: English template → translated template, same ``{names}``). A parameter may itself be
a :class:`Text` (a fragment chosen by a condition): it is translated too. A text without a
translation, or one that went through string operations (``"a" + text`` is a plain ``str``),
stays English: never wrong, at worst untranslated.

Tests (tests/core/test_i18n.py) read every ``text("…")`` template in core with ``ast`` and
require a translation with exactly the template's placeholders for each shipped language.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The languages core's catalogs exist for (English is the source).
CATALOG_LANGUAGES = ("zh_CN",)


class Text(str):
    """An English text that remembers its template and parameters (see the module's text)."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any]) -> Text:
        value = super().__new__(cls, template.format(**params) if params else template)
        value.template = template
        value.params = dict(params)
        return value

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (worker processes) keep the template
        return (Text, (self.template, self.params))


def text(template: str, /, **params: Any) -> Text:
    """``template.format(**params)`` that the wizard can show translated.

    Parameters
    ----------
    template
        The English text, a string literal (the catalog tests find it in the source), with
        ``{name}`` placeholders; format specs (``{value:.3g}``) are allowed.
    **params
        The values; strings that are themselves :func:`text` are translated with the rest.
    """
    return Text(template, params)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` of a template (without format specs)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def translate(value: Any, catalog: Mapping[str, str]) -> str:
    """``value`` in the catalog's language when it is a :class:`Text` with a translation, else
    ``str(value)`` (English)."""
    if not isinstance(value, Text):
        return str(value)
    translated = catalog.get(value.template)
    params = {key: translate(param, catalog) if isinstance(param, Text) else param
              for key, param in value.params.items()}
    if translated is None:
        if params == value.params:
            return str(value)
        translated = value.template  # translated fragments inside an English frame
    try:
        return translated.format(**params) if params else translated
    except (KeyError, IndexError, ValueError):  # a broken catalog entry: English, not a crash
        return str(value)


def catalog_folder(language: str, root: Path | None = None) -> Path:
    """``resources/translations/core/<language>`` (installed or in the checkout)."""
    if root is None:
        try:
            from nnft.resources import __file__ as resources_init
            root = Path(resources_init).parent / "translations" / "core"
        except ImportError:  # a checkout that is not installed
            root = Path(__file__).resolve().parent.parent / "resources" / "translations" / "core"
    return root / language


def load_catalog(language: str, root: Path | None = None) -> dict[str, str]:
    """Every ``*.json`` catalog of ``language`` merged (empty for English or an unknown
    language; an unreadable file is skipped: its texts stay English)."""
    catalog: dict[str, str] = {}
    folder = catalog_folder(language, root)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            catalog.update({k: v for k, v in data.items()
                            if isinstance(k, str) and isinstance(v, str)})
    return catalog
