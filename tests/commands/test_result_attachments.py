"""A result's attachments: typed by their content and named by it, bounded in size, kept with their
digest, and fixed once the result is submitted."""

from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa
from hypothesis import given, settings as hypothesis_settings, strategies as st

from spotcheck.core import storage
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as attachments, commands as results
from spotcheck.tenants.results.attachments import NAME_LENGTH, SIGNATURES, SUFFIXES, clean_name
from spotcheck.tenants.results.models import Attachment
from tests.support.helpers import user_named
from tests.support.results_world import complete_result, handed_out, visit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachments_are_typed_by_content_bounded_and_kept_with_their_digest(app, tmp_path):
    with app.app_context():
        ids = handed_out()
        member, chief = user_named("yjj_inspector2"), user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            kept = attachments.add_attachment(
                ids["visit"], {"stream": io.BytesIO(PNG), "filename": "C:\\相册\\现场照片.png"}, actor=member
            )
            db.session.commit()
            assert (kept.content_type, kept.name, kept.size) == ("image/png", "现场照片.png", len(PNG))
            assert kept.sha256 == hashlib.sha256(PNG).hexdigest() and storage.read(kept.storage_key) == PNG
            page = attachments.add_attachment(
                ids["visit"], {"stream": io.BytesIO(PNG), "filename": "x.html"}, actor=member
            )
            assert (page.content_type, page.name) == ("image/png", "x.png")  # named by what it is, never a page
            attachments.remove_attachment(ids["visit"], {"attachment_id": page.id}, actor=member)
            db.session.commit()
            files_before = sorted(p.name for p in storage.root().rglob("*") if p.is_file())
            with pytest.raises(InvalidInputError) as disguised:
                attachments.add_attachment(
                    ids["visit"],
                    {"stream": io.BytesIO(b"<script>alert(1)</script>"), "filename": "photo.jpg"},
                    actor=member,
                )
            assert "file" in disguised.value.errors
            app.config["UPLOAD_MAX_BYTES"] = 1024
            with pytest.raises(InvalidInputError) as too_big:
                attachments.add_attachment(
                    ids["visit"], {"stream": io.BytesIO(b"%PDF-" + b"x" * 2048), "filename": "记录.pdf"}, actor=member
                )
            assert "file" in too_big.value.errors
            assert sorted(p.name for p in storage.root().rglob("*") if p.is_file()) == files_before
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
            results.record_result(visit(ids).id, complete_result(ids), actor=chief)
            results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            with pytest.raises(ConflictError):
                attachments.remove_attachment(
                    ids["visit"], {"attachment_id": kept.id}, actor=member
                )  # submitted: the result is fixed


@given(name=st.text(max_size=300), kind=st.sampled_from(sorted({k for _, k in SIGNATURES})))
@hypothesis_settings(max_examples=200, deadline=None)
def test_an_attachments_name_always_ends_with_its_types_suffix(name, kind):
    """Whatever the name sent, the name kept is printable, at most 200 characters, and ends with
    a suffix of the type its content has (no ``.html`` for a PNG)."""
    kept = clean_name(name, kind)
    assert 0 < len(kept) <= NAME_LENGTH and kept.isprintable() and "/" not in kept and "\\" not in kept
    assert kept.lower().endswith(SUFFIXES[kind[0]])
