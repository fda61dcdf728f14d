"""Front-end packages are installed only when the tarball matches its published integrity."""
import base64
import hashlib
import io
import tarfile

import pytest

from core.assets import AssetError, Package, install, installed


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def package_for(data: bytes, integrity: str | None = None) -> Package:
    digest = integrity or "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    return Package("demo-lib", "1.0.0", digest, {"dist/demo.js": "demo/demo.js"})


def opener_of(data: bytes):
    return lambda url, timeout: io.BytesIO(data)  # stands in for the registry, not for our code


def test_a_matching_tarball_is_unpacked(tmp_path):
    data = tarball({"dist/demo.js": b"console.log(1)"})
    package = package_for(data)
    install(package, tmp_path, opener=opener_of(data))
    assert (tmp_path / "demo/demo.js").read_bytes() == b"console.log(1)"
    assert installed(package, tmp_path)


def test_a_tampered_tarball_is_refused_and_nothing_written(tmp_path):
    good = tarball({"dist/demo.js": b"console.log(1)"})
    evil = tarball({"dist/demo.js": b"steal()"})
    with pytest.raises(AssetError, match="integrity"):
        install(package_for(good), tmp_path, opener=opener_of(evil))
    assert not (tmp_path / "demo").exists()


def test_a_missing_file_in_the_package_is_an_error(tmp_path):
    data = tarball({"dist/other.js": b"x"})
    with pytest.raises(AssetError, match="dist/demo.js"):
        install(package_for(data), tmp_path, opener=opener_of(data))


def refused(url, timeout):
    raise OSError("the registry is not reachable")  # a machine offline


def test_a_tarball_fetched_once_is_unpacked_from_the_cache_without_the_network(tmp_path):
    data = tarball({"dist/demo.js": b"console.log(1)"})
    package, cache = package_for(data), tmp_path / "cache"
    install(package, tmp_path / "first", opener=opener_of(data), cache=cache)
    install(package, tmp_path / "second", opener=refused, cache=cache)
    assert (tmp_path / "second/demo/demo.js").read_bytes() == b"console.log(1)"


def test_a_damaged_copy_in_the_cache_is_fetched_again_and_replaced(tmp_path):
    data = tarball({"dist/demo.js": b"console.log(1)"})
    package, cache = package_for(data), tmp_path / "cache"
    install(package, tmp_path / "first", opener=opener_of(data), cache=cache)
    (copy,) = cache.iterdir()
    copy.write_bytes(tarball({"dist/demo.js": b"steal()"}))
    install(package, tmp_path / "second", opener=opener_of(data), cache=cache)
    assert (tmp_path / "second/demo/demo.js").read_bytes() == b"console.log(1)"
    assert copy.read_bytes() == data
