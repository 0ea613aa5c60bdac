"""The consent receipt: one record, as a PDF the person keeps — what was agreed or refused, for
what, with whom, when, who explained it, and how to change one's mind.

The receipt is printed in the record's language when it is English or French. The PDF's
built-in fonts cannot shape Arabic script (nor any other language Amana has no receipt text
for), so those receipts are printed in English with a note asking the caseworker to read it
out in the person's language (docs/consent.md, known limits).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from amana.consent.models import ConsentRecord
from amana.consent.vocabulary import RECEIPT_LANGUAGES, purpose_label


def receipt_language(record: ConsentRecord) -> str:
    return record.language if record.language in RECEIPT_LANGUAGES else "en"


def _language_name(code: str) -> str:
    try:
        return str(translation.get_language_info(code)["name"])
    except KeyError:
        return code


def _decision(record: ConsentRecord) -> str:
    return {
        ConsentRecord.Kind.CONSENT: _("Agreed (consent)"),
        ConsentRecord.Kind.ASSENT: _("Agreed (the child's assent)"),
        ConsentRecord.Kind.REFUSAL: _("Said no (refusal)"),
        ConsentRecord.Kind.WITHDRAWAL: _("Withdrew an earlier agreement"),
    }[ConsentRecord.Kind(record.kind)]


def _listed(values: Iterable[str], empty: str) -> str:
    shown = [value for value in values if value]
    return ", ".join(shown) if shown else empty


def _rows(record: ConsentRecord, recipients: dict[str, str]) -> list[tuple[str, str]]:
    explainer = record.explained_by
    return [
        (_("Decision"), _decision(record)),
        (_("Given by"), str(ConsentRecord.Giver(record.given_by).label)),
        (_("Date"), formats.date_format(record.given_on, "DATE_FORMAT")),
        (
            _("For what"),
            _listed((purpose_label(p) for p in record.purposes), _("Every purpose")),
        ),
        (
            _("With whom"),
            _listed((recipients.get(r, r) for r in record.recipients), _("Every organisation")),
        ),
        (
            _("Services"),
            _listed(record.services or (), _("Not limited to particular services")),
        ),
        (_("When in the case"), str(ConsentRecord.Stage(record.stage).label)),
        (_("How it was given"), str(ConsentRecord.Method(record.method).label)),
        (_("Language"), _language_name(record.language)),
        (_("Explained by"), explainer.full_name or explainer.username),
        (_("Case number"), record.case.case_number),
        (_("Receipt reference"), str(record.pk)),
    ]


def _meaning(record: ConsentRecord, agency: str) -> list[str]:
    if record.kind in (ConsentRecord.Kind.CONSENT, ConsentRecord.Kind.ASSENT):
        return [
            _(
                "%(agency)s may share only the information needed for these purposes, and only "
                "with these organisations. Nothing else is shared without asking again. The "
                "organisations that receive it may not pass it on to anyone else."
            )
            % {"agency": agency}
        ]
    return [
        _(
            "%(agency)s will not share the information on the strength of an agreement for "
            "these purposes or with these organisations. Saying no does not stop the help you "
            "receive."
        )
        % {"agency": agency},
        _(
            "Only if a child is in serious danger, or a formal best-interests assessment finds "
            "that sharing is needed to protect the child, may information be shared without "
            "agreement. You would be told why."
        ),
    ]


def _withdraw(record: ConsentRecord, agency: str) -> str:
    return _(
        "You can change your mind at any time, and you will not lose any help because of it. "
        "Tell your caseworker, or contact %(agency)s and give the case number %(number)s. From "
        "the day you tell us, we stop sharing for what you withdraw. Information already sent "
        "stays with the organisation that received it, which may not pass it on."
    ) % {"agency": agency, "number": record.case.case_number}


def _story(record: ConsentRecord, recipients: dict[str, str]) -> list[object]:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("receipt-body", parent=styles["BodyText"], fontSize=10, leading=14)
    note = ParagraphStyle("receipt-note", parent=body, textColor=colors.HexColor("#7a4b00"))
    agency = record.case.agency.name
    story: list[object] = [
        Paragraph(escape(_("Your decision about sharing information")), styles["Title"]),
        Paragraph(escape(_("Receipt from %(agency)s") % {"agency": agency}), body),
        Spacer(1, 4 * mm),
    ]
    if receipt_language(record) != record.language:
        language = _language_name(record.language)
        text = _(
            "This receipt is printed in English because %(language)s text cannot be printed "
            "yet. Ask your caseworker to read it to you in %(language)s."
        ) % {"language": language}
        story += [Paragraph(escape(text), note), Spacer(1, 3 * mm)]
    rows = [
        [Paragraph(f"<b>{escape(label)}</b>", body), Paragraph(escape(value), body)]
        for label, value in _rows(record, recipients)
    ]
    table = Table(rows, colWidths=[45 * mm, 125 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    story.append(Paragraph(escape(_("What this means")), styles["Heading2"]))
    story += [Paragraph(escape(text), body) for text in _meaning(record, agency)]
    story.append(Paragraph(escape(_("How to change your mind")), styles["Heading2"]))
    story.append(Paragraph(escape(_withdraw(record, agency)), body))
    return story


def receipt_pdf(record: ConsentRecord, recipients: dict[str, str]) -> bytes:
    """The receipt of one record. `recipients` maps recipient ids to the names to print."""
    buffer = io.BytesIO()
    with translation.override(receipt_language(record)):
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=_("Consent receipt"),
            author="Amana",
            invariant=1,
            pageCompression=0,
        )
        document.build(_story(record, recipients))
    return buffer.getvalue()
