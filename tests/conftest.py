from __future__ import annotations

from pathlib import Path

import pytest

from reader.document import Document, load_document

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT / "seeds"
RESOLUTION = SEEDS / "zhejiang-common-prosperity-resolution-2021.txt"
PARTY_BUILDING = SEEDS / "xi-zhejiang-common-prosperity-party-building.txt"
AQ = DATA / "corpus" / "a-q-zhengzhuan.txt"
HLM = DATA / "corpus" / "hongloumeng.gb18030.txt"


@pytest.fixture(scope="session")
def resolution() -> Document:
    return load_document(RESOLUTION)


@pytest.fixture(scope="session")
def party_building() -> Document:
    return load_document(PARTY_BUILDING)


@pytest.fixture(scope="session")
def aq() -> Document:
    return load_document(AQ)


@pytest.fixture(scope="session")
def hlm() -> Document:
    return load_document(HLM)
