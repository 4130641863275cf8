"""What the draw engine's property tests share (抽取引擎的性质测试): the identifiers Hypothesis draws."""

from __future__ import annotations

from hypothesis import strategies as st

from spotcheck.tenants.common.validators import USCC_ALPHABET

#: A visit's or an entity's identifier, in the alphabet of unified social credit codes.
ids = st.text(alphabet=USCC_ALPHABET, min_size=6, max_size=18)
