"""The PDF receipt: one record, its own facts only, in the record's language where it can."""

from __future__ import annotations

import re
from datetime import date

import pytest

from amana.audit.models import AuditEntry
from amana.consent.models import ConsentRecord
from amana.consent.receipt import receipt_pdf
from tests.consent.helpers import record
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
SHOWN = re.compile(rb"\(((?:[^()\\\n]|\\.)*)\) Tj")
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)


def pdf_text(pdf: bytes) -> str:
    """The text a reader sees in an uncompressed receipt: every string shown, one a line."""

    def unescape(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else code

    return "\n".join(ESCAPE.sub(unescape, raw).decode("cp1252") for raw in SHOWN.findall(pdf))


def receipt_url(stored: ConsentRecord) -> str:
    return f"/consent/records/{stored.pk}/receipt.pdf"


def test_receipt_is_a_pdf_of_that_record_only(client, world):
    AgencyFactory(slug="unhcr", name="UNHCR Office")
    mine = record(world, recipients=["ngo-psy"], services=["psychosocial_support"])
    other = record(world, kind="refusal", purposes=["case_transfer"], recipients=["unhcr"],
                   services=["resettlement_consideration"], given_on=date(2026, 6, 3))  # fmt: skip
    client.force_login(world.worker)
    response = client.get(receipt_url(mine))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert str(mine.pk) in text
    assert world.case.case_number in text
    assert "NGO C (psychosocial support)" in text
    assert "psychosocial_support" in text
    assert "Agreed (consent)" in text
    assert "Referral to a service now" in text
    assert "How to change your mind" in text
    for other_fact in (str(other.pk), "UNHCR Office", "unhcr", "resettlement", "Said no",
                       "Transfer the case"):  # fmt: skip
        assert other_fact not in text
        assert other_fact.encode() not in pdf
    assert AuditEntry.objects.filter(action="consent.view", object_id=str(mine.pk)).exists()


def test_receipt_never_prints_the_notes_or_the_childs_name(world):
    stored = record(world, notes="secretnote")
    pdf = receipt_pdf(stored, {})
    assert b"secretnote" not in pdf
    assert b"Amina" not in pdf and "Amina" not in pdf_text(pdf)


def test_refusal_receipt_says_no_and_covers_everything(world):
    stored = record(world, kind="refusal", purposes=[], recipients=[])
    text = pdf_text(receipt_pdf(stored, {}))
    assert "Said no (refusal)" in text
    assert "Every purpose" in text and "Every organisation" in text
    assert "serious danger" in text


def test_french_record_gets_a_french_receipt(world):
    stored = record(world, language="fr")
    text = pdf_text(receipt_pdf(stored, {}))
    assert "Comment changer d\u2019avis" in text
    assert "Accord donné (consentement)" in text


def test_arabic_record_falls_back_to_english_with_a_note(world):
    stored = record(world, language="ar")
    pdf = receipt_pdf(stored, {})
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "This receipt is printed in English" in text
    assert "Arabic" in text
    assert "How to change your mind" in text


def test_receipt_of_a_case_one_may_not_see_is_not_found(client, world):
    stored = record(world)
    for user in (world.stranger, world.peer):
        client.force_login(user)
        assert client.get(receipt_url(stored)).status_code == 404
    client.force_login(world.worker)
    assert (
        client.get("/consent/records/00000000-0000-0000-0000-000000000000/receipt.pdf").status_code
        == 404
    )
    assert AuditEntry.objects.filter(action="consent.view", outcome="not_found").count() == 3


def test_names_in_arabic_script_do_not_break_the_receipt(world):
    world.worker.full_name = "أحمد علي"
    world.worker.save()
    world.case.agency.name = "منظمة ألف"
    world.case.agency.save()
    stored = record(world, language="ar")
    pdf = receipt_pdf(ConsentRecord.objects.get(pk=stored.pk), {"ngo-psy": "منظمة باء"})
    assert pdf.startswith(b"%PDF")
    assert str(stored.pk) in pdf_text(pdf)
