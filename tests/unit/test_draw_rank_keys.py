"""The rank keys (排序键) ``HMAC(seed, prefix ‖ x)`` are RFC 2104's, whichever SHA-256 makes them: the verifier a
citizen runs picks the faster of OpenSSL's and CPython's own on their machine, and must give the same proof checks."""

from __future__ import annotations

import hashlib
import hmac
import platform

from hypothesis import given, settings, strategies as st

from spotcheck.draw.primitives import rank_keys, rank_keys_bytes, sha256_constructors, sha256_for_keys


def test_cpython_offers_both_sha256s_and_one_is_chosen():
    found = sha256_constructors()
    if platform.python_implementation() == "CPython":
        assert len(found) == 2  # the test below then checks both
    assert sha256_for_keys() in found
    assert sha256_for_keys() is sha256_for_keys()  # timed once a process


@settings(max_examples=200, deadline=None)
@given(
    seed=st.binary(max_size=140), prefix=st.binary(max_size=150), suffixes=st.lists(st.binary(max_size=130), max_size=5)
)
def test_every_sha256_gives_the_hmac_of_rfc_2104(seed, prefix, suffixes):
    expected = [hmac.new(seed, prefix + suffix, hashlib.sha256).digest() for suffix in suffixes]
    for sha256 in sha256_constructors():
        assert list(map(rank_keys_bytes(seed, prefix, sha256), suffixes)) == expected


def test_the_string_form_keys_utf8():
    seed = bytes(range(32))
    assert (
        rank_keys(seed, "target|")("91330100MA2HWDME14")
        == hmac.new(seed, b"target|91330100MA2HWDME14", hashlib.sha256).digest()
    )
    assert (
        rank_keys(seed, "inspector|检查|")("张三|1")
        == hmac.new(seed, "inspector|检查|张三|1".encode(), hashlib.sha256).digest()
    )
