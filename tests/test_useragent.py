"""The MWS User-Agent header and its escaping rules."""

from __future__ import annotations

import platform

import pytest

from mws_async.errors import ConfigurationError
from mws_async.useragent import build_user_agent, check_user_agent, default_user_agent


def test_layout_with_language_platform_and_extra_attributes() -> None:
    ua = build_user_agent("MyApp", "1.2", {"Host": "box"}, platform_name="Linux/x86_64/6.1")
    assert (
        ua == f"MyApp/1.2 (Language=Python/{platform.python_version()}; Platform=Linux/x86_64/6.1; Host=box)"
    )


def test_escaping_rules_of_the_guide() -> None:
    ua = build_user_agent("My/App\\X", "1(beta)", {"a=b": "x)y;z\\"}, language="Python/3", platform_name="P")
    assert ua == "My\\/App\\\\X/1\\(beta) (Language=Python/3; Platform=P; a\\=b=x\\)y\\;z\\\\)"


def test_whitespace_is_collapsed_and_trimmed() -> None:
    ua = build_user_agent("  My   App ", " 1.0 ", language="Python/3", platform_name="P")
    assert ua.startswith("My App/1.0 (")


def test_more_than_500_characters_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"is 5\d\d characters; MWS rejects more than 500"):
        build_user_agent("A", "1", {"k": "v" * 500})


def test_empty_name_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="must not be empty"):
        build_user_agent(" ", "1")


def test_default_names_the_library() -> None:
    ua = default_user_agent()
    assert ua.startswith("mws-async/")
    assert "Language=Python/" in ua
    assert len(ua) <= 500


def test_a_name_a_header_cannot_carry_is_refused_when_the_header_is_built() -> None:
    with pytest.raises(ConfigurationError, match="user_agent has 'ñ', which an HTTP header cannot carry"):
        build_user_agent("Señor Tool", "1.0")
    assert check_user_agent("mytool/1.0 (Language=Python)") == "mytool/1.0 (Language=Python)"
