"""`amana serve`'s waitress options: the proxy's headers believed from its address only."""

from __future__ import annotations

from amana.core.management.commands.serve import proxy_options


def test_no_trusted_proxy_means_no_proxy_headers_believed():
    assert proxy_options("") == {}


def test_the_trusted_proxy_gives_scheme_and_client_address_only():
    options = proxy_options("10.0.0.5")
    assert options["trusted_proxy"] == "10.0.0.5"
    assert options["trusted_proxy_count"] == 1
    assert options["trusted_proxy_headers"] == {"x-forwarded-proto", "x-forwarded-for"}
    assert options["clear_untrusted_proxy_headers"] is True
