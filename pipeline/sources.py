"""The sources manifest (``data/raw/sources.toml``): which files belong to which département."""
from __future__ import annotations

import glob
import tomllib
from dataclasses import dataclass
from pathlib import Path

from models.document import SourceHint

DEFAULT_MANIFEST = Path("data/raw/sources.toml")
SUFFIXES = (".pdf", ".txt")


@dataclass
class Source:
    name: str
    departement_code: str | None
    departement_name: str | None
    path: str | None = None  # folder or glob, relative to the manifest
    index_url: str | None = None  # web source: an HTML page listing PDF links
    pattern: str | None = None  # regex filtering the links of index_url
    urls: tuple[str, ...] = ()  # web source: explicit list of URLs
    base: Path = Path(".")

    @property
    def folder(self) -> Path:
        """Where this source's files live (web sources download into it)."""
        if self.path and not any(c in self.path for c in "*?["):
            return self.base / self.path
        return self.base / (self.departement_code or self.name)

    def hint(self, url: str | None = None) -> SourceHint:
        return SourceHint(self.departement_code, self.departement_name, self.name, url)

    def files(self) -> list[Path]:
        if self.path and any(c in self.path for c in "*?["):
            found = [Path(p) for p in glob.glob(str(self.base / self.path), recursive=True)]
        else:
            found = [p for p in self.folder.rglob("*") if p.is_file()] if self.folder.is_dir() else []
        return sorted(p for p in found if p.suffix.lower() in SUFFIXES)


class ManifestError(ValueError):
    pass


def load_manifest(path: str | Path = DEFAULT_MANIFEST) -> list[Source]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ManifestError(f"sources manifest not found: {path}") from e
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(f"{path}: not valid TOML: {e}") from e
    out = []
    for i, s in enumerate(data.get("source", [])):
        if "name" not in s:
            raise ManifestError(f"{path}: source #{i + 1} has no name")
        code = s.get("departement_code")
        out.append(Source(name=s["name"], departement_code=str(code) if code else None,
                          departement_name=s.get("departement_name"), path=s.get("path"),
                          index_url=s.get("index_url"), pattern=s.get("pattern"),
                          urls=tuple(s.get("urls", ())), base=path.parent))
    return out


class HintIndex:
    """The manifest's hint for many files, each source's files listed once: a file of a
    source's folder or files takes its hint; a file outside the sources takes the hint of a
    source file with the same stem (e.g. the PDF rendition of a text in the sources)."""

    def __init__(self, sources: list[Source]):
        self.sources = [(s, {f.resolve() for f in s.files()}, s.folder.resolve()) for s in sources]
        self.stems: dict[str, Source] = {}
        for s, files, _ in self.sources:
            for f in files:
                self.stems.setdefault(f.stem, s)

    def hint(self, path: str | Path) -> SourceHint:
        p = Path(path).resolve()
        for s, files, folder in self.sources:
            if p in files or folder in p.parents:
                return s.hint()
        same = self.stems.get(p.stem)
        return same.hint() if same else SourceHint()

