"""Fixtures shared by every layer's tests: the shared corpus and sample (read in place),
and a fresh catalog in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Property tests pass or fail the same on every machine and every run: their examples are
# derived from each test (derandomized), not drawn at random, and no example is failed for
# taking long (a loaded machine is not a bug). A failure shows the example and a
# `@reproduce_failure` blob; add the example to the test with `@example`. To hunt for new
# failures with fresh randomness: HYPOTHESIS_PROFILE=explore make test.
settings.register_profile("ci", derandomize=True, deadline=None, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("default", settings.get_profile("ci"))
settings.register_profile("explore", deadline=None, print_blob=True, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "default"))


@pytest.fixture(scope="session", autouse=True)
def private_data_folder(tmp_path_factory) -> Iterator[Path]:
    """No test may touch the real user's data folder, settings or catalog."""
    home = tmp_path_factory.mktemp("photoarchive-home")
    saved = {k: os.environ.get(k) for k in ("PHOTOARCHIVE_HOME", "PHOTOARCHIVE_CATALOG")}
    os.environ["PHOTOARCHIVE_HOME"] = str(home)
    os.environ.pop("PHOTOARCHIVE_CATALOG", None)
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"{path} is not here (the shared test data sits beside the checkout)")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus: real good, odd and broken files (read-only, used in place)."""
    return _shared("corpus")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """../shared/sample: the twelve 1936 demonstration photographs."""
    return _shared("sample")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator:
    """A new, empty catalog in a temporary folder."""
    from photoarchive.services import open_archive

    opened = open_archive(tmp_path / "catalog.sqlite")
    yield opened
    opened.close()
