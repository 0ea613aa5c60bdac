"""Plain-language explanations, in the caseworker's language (stdlib gettext, no Django).

Templates are keyed by reason code and, where a code has several causes, by the cause.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Final

from amana.protocol.codes import Code, Obligation

LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
DOMAIN: Final = "amana_protocol"
LANGUAGES: Final = ("en", "fr", "ar")


def N_(message: str) -> str:
    return message


REASONS: Final[dict[tuple[Code, str], str]] = {
    (Code.PROTOCOL_UNKNOWN, ""): N_(
        "There is no such protocol, so nothing may be shared under it."
    ),
    (Code.PROTOCOL_INTERIM, ""): N_(
        "The protocol is not signed yet. Until {last_day}, individual referrals and transfers may "
        "go with consent or in the child's best interests, and nothing else."
    ),
    (Code.PROTOCOL_INTERIM, "purpose"): N_(
        "The protocol is not signed yet: in this interim period only individual referrals and "
        'case transfers may be made, not "{purpose}".'
    ),
    (Code.PROTOCOL_INTERIM_EXPIRED, ""): N_(
        "The protocol is not signed and the three-month interim period ended on {last_day}. "
        "Nothing may be shared until the agencies sign it."
    ),
    (Code.PROTOCOL_EXPIRED, ""): N_(
        "The protocol expired on {until}. Nothing may be shared under it until it is renewed; "
        "the duty of confidentiality continues."
    ),
    (Code.SCOPE_OUTSIDE, ""): N_(
        'The case is managed in "{area}", outside the areas this protocol covers ({areas}), '
        "so nothing may be shared under it."
    ),
    (Code.PARTY_NOT_PARTICIPANT, "not_listed"): N_(
        '"{party}" ({role}) is not a party to this protocol, so it can neither send nor receive '
        "children's data under it."
    ),
    (Code.PARTY_NOT_PARTICIPANT, "unsigned"): N_(
        "{party} ({role}) had not signed the protocol on this date, so it can neither send nor "
        "receive children's data under it."
    ),
    (Code.PARTY_SUSPENDED, ""): N_(
        "{party} ({role}) has suspended sharing or been suspended; nothing goes to or from it "
        "while the suspension lasts."
    ),
    (Code.PURPOSE_UNKNOWN, "vocabulary"): N_(
        '"{purpose}" is not a purpose the protocol knows. Choose the purpose that directly '
        "serves the child."
    ),
    (Code.PURPOSE_UNKNOWN, "not_enabled"): N_(
        'The agencies have not agreed to share for "{purpose}" in this protocol.'
    ),
    (Code.PURPOSE_INDIRECT, ""): N_(
        '"{purpose}" brings no direct benefit to this child, so no personal data may go. '
        "Use aggregate or anonymised figures instead."
    ),
    (Code.SERVICE_UNSPECIFIED, "none"): N_(
        "A referral must name one specific service agreed in the protocol; a general aim such "
        'as "international protection" is not enough.'
    ),
    (Code.SERVICE_UNSPECIFIED, "unknown"): N_(
        '"{service}" is not a service agreed in the protocol. Pick one of the agreed services.'
    ),
    (Code.SERVICE_UNSPECIFIED, "other_provider"): N_(
        'The service "{service}" is provided by {provider}; a referral for it goes to that '
        "agency only."
    ),
    (Code.SERVICE_UNSPECIFIED, "undocumented"): N_(
        "The provider has not documented its services and how it will process the data, so "
        "nothing may be shared for future services."
    ),
    (Code.BASIS_INVALID, "purpose"): N_('"{basis}" is not a legitimate basis for "{purpose}".'),
    (Code.BASIS_INVALID, "adult"): N_(
        "The best-interests basis applies to children only; an adult decides for themself."
    ),
    (Code.BASIS_INVALID, "caregiver"): N_(
        "The caregiver cannot be reached or should not be told, so consent is not the right "
        "basis: use the child's best interests, with a recorded best-interests assessment."
    ),
    (Code.BASIS_INVALID, "interim"): N_(
        "Before the protocol is signed, only consent or the child's best interests can justify "
        'sharing, not "{basis}".'
    ),
    (Code.CONSENT_MISSING, ""): N_(
        "No consent on record covers this purpose and {recipient}. Consent is given for one "
        "purpose and one recipient at a time: ask for it before sharing."
    ),
    (Code.CONSENT_MISSING, "stages"): N_(
        "Archiving needs consent asked at intake and confirmed again at closure; one of the two "
        "is missing."
    ),
    (Code.CONSENT_REFUSED, ""): N_(
        "{giver} refused or withdrew consent for this. Respect it: do not share."
    ),
    (Code.ASSENT_MISSING, ""): N_(
        "The child is {age} or older and has not agreed (assented). Explain in words the child "
        "understands and ask first."
    ),
    (Code.BEST_INTERESTS_NOT_DETERMINED, ""): N_(
        "Sharing in the child's best interests needs a recorded best-interests assessment that "
        "supports this sharing, dated on or before today."
    ),
    (Code.BEST_INTERESTS_NOT_DETERMINED, "against"): N_(
        "A best-interests assessment found that sharing this closed case is not in the child's "
        "best interests."
    ),
    (Code.EXCEPTIONAL_NO_RISK_ASSESSMENT, ""): N_(
        'Sharing without consent on the basis "{basis}" needs a written benefit and risk '
        "assessment of this disclosure first."
    ),
    (Code.EXCEPTIONAL_RECIPIENT_UNSAFE, ""): N_(
        "{recipient} has not been assessed as safe for this disclosure; exceptional sharing "
        "goes only to a recipient who is."
    ),
    (Code.ELEMENTS_NOT_AGREED, ""): N_(
        "Some details are outside what the protocol agreed for this purpose or service and are "
        "held back."
    ),
    (Code.ELEMENTS_EXCESSIVE, ""): N_(
        "The whole file or full account is more than this purpose needs and is held back."
    ),
    (Code.LABEL_STIGMATISING, ""): N_(
        'The label would reveal what happened to the child. The recipient will see "{neutral}" '
        "instead."
    ),
    (Code.CONTACT_UNSAFE, ""): N_(
        "A home visit can put a survivor of gender-based violence in danger. Agree a safe "
        "contact method (phone or an office visit) before referring."
    ),
    (Code.FEEDBACK_PROCESS_ONLY, ""): N_(
        "Telling the referring agency whether the referral is pending, accepted or rejected "
        "needs no consent."
    ),
    (Code.BREACH_OPEN, ""): N_(
        "A data breach is still unresolved, so nothing goes out to outside requesters."
    ),
    (Code.SHARING_ALLOWED, ""): N_(
        'You may share the listed details with {recipient} for "{purpose}" on the basis "{basis}".'
    ),
}

# Words that stand in a text for a role or a person; translated like the texts.
WORDS: Final[dict[str, str]] = {
    "child": N_("The child"),
    "caregiver": N_("The caregiver"),
    "adult_subject": N_("The person concerned"),
    "sender": N_("sender"),
    "recipient": N_("recipient"),
}

WITHHELD: Final[dict[Code, str]] = {
    Code.ELEMENTS_NOT_AGREED: N_("Not agreed in the protocol for this purpose or service."),
    Code.ELEMENTS_EXCESSIVE: N_("More than this purpose needs."),
}
DENIED_ELEMENT: Final = N_("Not shared: the disclosure is refused.")

OBLIGATIONS: Final[dict[Obligation, str]] = {
    Obligation.RECORD_BASIS: N_(
        "Record the legitimate basis and what the child and family were told."
    ),
    Obligation.INFORM_SUBJECT: N_(
        "Tell the child and caregiver (or the adult) what is shared, with whom and why."
    ),
    Obligation.NO_ONWARD_SHARING: N_(
        "The recipient may not pass these details on without the person's express prior consent."
    ),
    Obligation.REPORT_BREACH: N_(
        "Report any breach of these details to the sending agency and to the person concerned."
    ),
    Obligation.EXPLAIN_EXCEPTIONAL: N_(
        "Explain to the child and family, as soon as it is safe, what was done on their behalf "
        "and listen to their concerns."
    ),
    Obligation.INTERIM_REVIEW: N_(
        "Interim sharing: review this disclosure against the protocol once it is signed."
    ),
}


@cache
def translator(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def translate(message: str, language: str) -> str:
    if language == "en":
        return message
    return translator(language).gettext(message)


def all_messages() -> list[str]:
    """Every message of this catalogue, for extraction."""
    return [
        *REASONS.values(),
        *WORDS.values(),
        *WITHHELD.values(),
        DENIED_ELEMENT,
        *OBLIGATIONS.values(),
    ]
