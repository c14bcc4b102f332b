"""The hub's maps: a plain SVG background by default (nothing loaded from anywhere), or the tiles
of a tile server the force runs itself when one is configured, the CSP allowing that origin only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from web_env import Hub, copy_store, settings_for, start

from api.settings import Settings
from api.web.views import _mercator

TILES = "http://127.0.0.1:8765/osm/{z}/{x}/{y}.png"


def _img_src(csp: str) -> list[str]:
    found = re.search(r"img-src ([^;]*)", csp)
    assert found, csp
    return found.group(1).split()


def test_by_default_the_map_is_plain_svg_and_no_image_comes_from_elsewhere(hub: Hub) -> None:
    assert hub.settings.map_tile_url is None
    hub.sign_in()
    page = hub.open_child()
    text = page.text  # type: ignore[attr-defined]
    svg = re.search(r'<svg class="map".*?</svg>', text, re.S)
    assert svg and "<circle" in svg.group(0)
    assert "<image" not in svg.group(0) and "tile" not in svg.group(0)
    assert _img_src(page.headers["content-security-policy"]) == ["'self'", "data:"]  # type: ignore[attr-defined]


@pytest.fixture
def tiled_hub(demo_store: Path, tmp_path: Path) -> Iterator[Hub]:
    yield from start(settings_for(copy_store(demo_store, tmp_path), tmp_path, map_tile_url=TILES))


def test_a_configured_tile_server_draws_the_map_and_only_its_origin_is_allowed(
    tiled_hub: Hub,
) -> None:
    hub = tiled_hub
    hub.sign_in()
    page = hub.open_child()
    text = page.text  # type: ignore[attr-defined]
    svg = re.search(r'<svg class="map".*?</svg>', text, re.S)
    assert svg, text[:500]
    hrefs = re.findall(r'<image href="([^"]+)"', svg.group(0))
    assert hrefs and all(
        re.fullmatch(r"http://127\.0\.0\.1:8765/osm/\d+/\d+/\d+\.png", h) for h in hrefs
    )
    assert "<circle" in svg.group(0)  # her places still drawn, over the tiles
    assert "force's own tile server" in text
    assert _img_src(page.headers["content-security-policy"]) == [  # type: ignore[attr-defined]
        "'self'",
        "data:",
        "http://127.0.0.1:8765",
    ]
    # the other pages' policies are unchanged: the picture and the pack load no tiles
    picture = hub.client.get("/hub/picture/person/C1")
    assert "8765" not in picture.headers["content-security-policy"]


def test_the_tile_setting_refuses_what_is_not_a_tile_url_template() -> None:
    assert Settings().map_tile_url is None  # never a public tile server by default
    for bad in (
        "https://tiles.example/{z}/{x}.png",
        "javascript:alert(1)/{z}/{x}/{y}",
        "ftp://tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/{z}/{x}/{y}.png; script-src *",
        "https://tiles.example/{z}/{x}/{y}.png'",
    ):
        with pytest.raises(ValidationError, match="GRAPH_INTEL_MAP_TILE_URL"):
            Settings(map_tile_url=bad)
    good = Settings(map_tile_url="https://maps.force.internal:8443/t/{z}/{x}/{y}.png")
    assert good.map_tile_origin() == "https://maps.force.internal:8443"


def test_tiles_are_in_web_mercator() -> None:
    x, y = _mercator(0.0, 0.0, 1)
    assert (x, y) == (256.0, 256.0)  # the middle of the world at zoom 1 (two tiles a side)
    x, y = _mercator(51.5, -0.12, 10)
    assert int(x // 256) == 511 and int(y // 256) == 340  # central London's tile at zoom 10
