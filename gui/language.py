"""The wizard's language: which one, and installing its translation.

The language is decided once, before the first widget exists (Qt translates a string when the
widget is made): ``nnft-wizard --lang`` first, then the choice saved on the Workspace page
(QSettings key :data:`LANGUAGE_KEY`), then the system locale. English is the source language:
choosing it installs no nnFT translation. The translations are ``.qm`` files compiled from
``resources/translations/*.ts`` by ``make install`` (pyside6-lrelease), shipped in the package.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QFontDatabase, QGuiApplication

LANGUAGE_KEY = "language"
#: The languages nnFT ships, by QLocale name, each named in its own language: someone who
#: cannot read the language now shown must still find theirs.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
#: Where the application records the language in effect (QCoreApplication property).
LANGUAGE_PROPERTY = "nnftLanguage"
#: Fonts for Simplified Chinese, best first (Linux, then Windows and macOS).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC")


def translations_folder() -> Path:
    """The folder with the compiled ``nnft_<lang>.qm`` files (installed or in the checkout)."""
    try:
        from nnft.resources import __file__ as resources_init
    except ImportError:  # run from a checkout without installing
        return Path(__file__).resolve().parent.parent / "resources" / "translations"
    return Path(resources_init).parent / "translations"


def saved_language(settings: QSettings) -> str | None:
    """The language chosen on the Workspace page, or None (never chosen, or not one nnFT has)."""
    value = settings.value(LANGUAGE_KEY, "")
    return value if isinstance(value, str) and value in LANGUAGES else None


def save_language(settings: QSettings, language: str) -> None:
    """Remember ``language`` (a key of :data:`LANGUAGES`) for the next start of the wizard.

    Raises
    ------
    ValueError
        When nnFT has no such language.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; nnFT has {', '.join(LANGUAGES)}")
    settings.setValue(LANGUAGE_KEY, language)
    settings.sync()


def language_to_use(command_line: str | None, settings: QSettings) -> QLocale:
    """The locale whose translation is loaded: ``--lang``, else the saved choice, else the
    system's."""
    chosen = command_line or saved_language(settings)
    return QLocale(chosen) if chosen else QLocale()


def load_translations(app: QCoreApplication, locale: QLocale | None = None,
                      folder: Path | None = None) -> str:
    """Install nnFT's translation for ``locale`` (default: the system's), and Qt's own for the
    dialogs and the wizard's buttons (Next, Back, Cancel), when one exists.

    Parameters
    ----------
    app
        The application; the translators become its children.
    locale
        The language wanted; English, or a language nnFT has no translation for, keeps the
        English texts.
    folder
        Where the ``.qm`` files are (default: :func:`translations_folder`).

    Returns
    -------
    str
        The language in effect, a key of :data:`LANGUAGES` (also stored on ``app`` as the
        property :data:`LANGUAGE_PROPERTY`, which the Workspace page shows).
    """
    locale = locale or QLocale()
    language = "en"
    translator = QTranslator(app)
    # QTranslator tries the locale's UI languages in turn (zh_CN, zh-Hans-CN, zh…).
    if locale.language() != QLocale.Language.English and translator.load(
            locale, "nnft", "_", str(folder or translations_folder())):
        app.installTranslator(translator)
        language = next((name for name in LANGUAGES
                         if Path(translator.filePath()).stem == f"nnft_{name}"), language)
        if language == "zh_CN" and isinstance(app, QGuiApplication):
            use_chinese_font(app)
        qt_own = QTranslator(app)
        if qt_own.load(locale, "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_own)
    app.setProperty(LANGUAGE_PROPERTY, language)
    return language


def use_chinese_font(app: QGuiApplication) -> str | None:
    """Make a Chinese font the application's font; returns its family (None: none installed).

    With a Latin default font (DejaVu Sans) Qt draws the Chinese glyphs from a fallback font
    whose lines are taller, but layouts size a label by the default font's line height: its
    last line is cut off. A Chinese font as the default (it has Latin glyphs too) measures
    what is drawn, as on a Chinese desktop.
    """
    installed = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    family = next((f for f in CJK_FONTS if f in installed), None)
    if family is None:
        return None
    font = app.font()
    font.setFamilies([family, *font.families()])
    app.setFont(font)
    return family


def language_in_effect() -> str:
    """The language :func:`load_translations` installed ("en" when it was not called)."""
    app = QCoreApplication.instance()
    value = app.property(LANGUAGE_PROPERTY) if app is not None else None
    return value if isinstance(value, str) and value in LANGUAGES else "en"


_core_catalogs: dict[str, dict[str, str]] = {}


def core_text(value: object) -> str:
    """A text core made (problem message or fix, step title, verdict) in the wizard's language:
    core's English template translated through its catalog (:mod:`nnft.core.i18n`), or the
    English text when the language is English or the catalog has no translation for it."""
    from nnft.core.i18n import load_catalog, translate

    language = language_in_effect()
    if language == "en":
        return str(value)
    if language not in _core_catalogs:
        _core_catalogs[language] = load_catalog(language)
    return translate(value, _core_catalogs[language])
