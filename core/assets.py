"""Front-end libraries, taken from the npm registry at install time and served by the app.

District intranets are offline and no page may load from a CDN, so the install step (quickstart,
the Dockerfile) fetches each pinned package tarball once, checks it against the registry's
published sha512 integrity, and unpacks the files the pages use into ``static/vendor/``.

The tarballs are kept in the user's cache directory, as pip and npm keep theirs, so that a fresh
clone on the same machine (CI's) unpacks them without the network; a cached tarball is checked
against its integrity like a downloaded one. Standard library only: quickstart.py imports this
before the platform is installed.
"""
import base64
import hashlib
import io
import os
import tarfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "haidian-grid" / "npm"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # the registry's "dist.integrity" (Subresource Integrity form)
    files: dict[str, str]  # path inside the tarball (under package/) -> path under static/vendor/

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"


PACKAGES = [
    Package("htmx.org", "2.0.4",
            "sha512-HLxMCdfXDOJirs3vBZl/ZLoY+c7PfM4Ahr2Ad4YXh6d22T5ltbTXFFkpx9Tgb2vvmWFMbIc3LqN2ToNkZJvyYQ==",
            {"dist/htmx.min.js": "htmx/htmx.min.js"}),
    Package("echarts", "5.6.0",
            "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==",
            {"dist/echarts.min.js": "echarts/echarts.min.js"}),
    Package("leaflet", "1.9.4",
            "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
            {"dist/leaflet.js": "leaflet/leaflet.js", "dist/leaflet.js.map": "leaflet/leaflet.js.map",
             "dist/leaflet.css": "leaflet/leaflet.css",
             "dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
             "dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
             "dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
             "dist/images/layers.png": "leaflet/images/layers.png",
             "dist/images/layers-2x.png": "leaflet/images/layers-2x.png"}),
    # Accessibility checks: injected by the browser tests only, loaded by no page.
    Package("axe-core", "4.14.1",
            "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
            {"axe.min.js": "axe/axe.min.js"}),
]


class AssetError(Exception):
    pass


def _verify(data: bytes, integrity: str) -> None:
    algorithm, expected = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise AssetError(f"integrity mismatch: expected {integrity}, got {algorithm}-{actual}")


def installed(package: Package, target: Path) -> bool:
    stamp = target / f".{package.name.replace('/', '_')}-{package.version}"
    return stamp.exists() and all((target / dest).exists() for dest in package.files.values())


def _tarball(package: Package, opener, cache: Path | None) -> bytes:
    """The package's tarball, verified: from the cache when a good copy is there, else from the registry (and then
    kept in the cache, where it can be)."""
    cached = cache / package.tarball.rsplit("/", 1)[-1] if cache else None
    if cached is not None and cached.is_file():
        data = cached.read_bytes()
        try:
            _verify(data, package.integrity)
            return data
        except AssetError:
            pass  # a damaged copy: fetched again below and replaced
    with opener(package.tarball, timeout=60) as response:
        data = response.read()
    _verify(data, package.integrity)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(data)
        except OSError:
            pass  # a read-only home: the cache is a convenience
    return data


def install(package: Package, target: Path, opener=urllib.request.urlopen, cache: Path | None = None) -> None:
    data = _tarball(package, opener, cache)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for source, dest in package.files.items():
            try:
                member = archive.extractfile(f"package/{source}")
            except KeyError:
                member = None
            if member is None:
                raise AssetError(f"{package.name}@{package.version} has no {source}")
            path = target / dest
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(member.read())
    (target / f".{package.name.replace('/', '_')}-{package.version}").write_text(package.integrity)


def install_all(target: Path, cache: Path | None = CACHE) -> list[str]:
    """Install the packages not installed yet (side by side: each is a download); their names."""
    missing = [package for package in PACKAGES if not installed(package, target)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda package: install(package, target, cache=cache), missing))
    return [f"{package.name}@{package.version}" for package in missing]
