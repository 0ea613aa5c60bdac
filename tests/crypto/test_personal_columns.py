"""Every free-text column of the personal-data apps is encrypted, or listed here as not personal.

The walk covers every model of the apps that hold people's data. A CharField, TextField or
JSONField that is neither an `EncryptedTextField` nor in `NOT_PERSONAL` (each with its reason)
fails the test: a new column of free text is encrypted by default, or argued for here.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from amana.crypto.fields import EncryptedTextField

PERSONAL_APPS = ("cases", "caseforms", "consent", "referrals", "sharing", "accounts", "idempotency")
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)

CODE = "a code from a fixed list (choices), not free text"
NOT_PERSONAL: dict[str, str] = {
    # accounts
    "accounts.Agency.slug": "the agency's short identifier",
    "accounts.Agency.name": "an organisation's name, public",
    "accounts.Agency.kind": CODE,
    "accounts.Agency.case_prefix": "a case-number prefix the agency chooses",
    "accounts.User.username": "the login name; looked up at login, so it cannot be encrypted",
    "accounts.User.email": "a staff member's work address at the agency, not a child's or a "
    "family's data (staff accounts belong to accounts, worked on separately)",
    "accounts.User.password": "a salted password hash",
    "accounts.User.preferred_language": "a language code",
    "accounts.RoleGrant.role": CODE,
    # cases
    "cases.Child.sex": CODE,
    "cases.Child.nationality": "a nationality code from the lookup list (refdata)",
    "cases.Child.individual_id_index": "a blind index (keyed hash) of the registration number",
    "cases.NameToken.token": "a blind index (keyed hash) of a name key",
    "cases.RelatedPerson.relationship": CODE,
    "cases.RelatedPerson.name_token": "a blind index (keyed hash) of a name key",
    "cases.Case.case_number": "the agency's case number, not a person's data",
    "cases.Case.status": CODE,
    "cases.Case.stage": CODE,
    "cases.Case.risk_level": CODE,
    "cases.Case.care_arrangement": CODE,
    "cases.Case.best_interests_status": CODE,
    "cases.Case.closure_reason": "a closure-reason code from a fixed list",
    "cases.CaseAssignment.role": CODE,
    "cases.Task.kind": CODE,
    # caseforms
    "caseforms.FormDefinition.form_id": "a form's identifier",
    "caseforms.FormDefinition.definition": "the form's definition (questions), no answers",
    "caseforms.FormRecord.status": CODE,
    # consent
    "consent.ConsentRecord.given_by": CODE,
    "consent.ConsentRecord.kind": CODE,
    "consent.ConsentRecord.purposes": "purpose codes of the protocol",
    "consent.ConsentRecord.recipients": "agency slugs",
    "consent.ConsentRecord.services": "service codes of the protocol",
    "consent.ConsentRecord.stage": CODE,
    "consent.ConsentRecord.method": CODE,
    "consent.ConsentRecord.language": "a language code",
    # referrals
    "referrals.Referral.purpose": CODE,
    "referrals.Referral.service": "a service code of the protocol",
    "referrals.Referral.legal_basis": "a legal-basis code of the protocol",
    "referrals.Referral.label": "the case label the sender chose for the recipient, a code-like "
    "handle without personal data (the packet holds the data)",
    "referrals.Referral.contact_method": CODE,
    "referrals.Referral.status": CODE,
    "referrals.Referral.shared_elements": "data-element codes",
    "referrals.RecipientNotice.kind": CODE,
    # sharing
    "sharing.LedgerEntry.sender": "an agency slug",
    "sharing.LedgerEntry.recipient": "an agency slug",
    "sharing.LedgerEntry.purpose": "a purpose code",
    "sharing.LedgerEntry.service": "a service code",
    "sharing.LedgerEntry.legal_basis": "a legal-basis code",
    "sharing.LedgerEntry.protocol": "the protocol's reference (id, version, hash)",
    "sharing.LedgerEntry.decision": CODE,
    "sharing.LedgerEntry.requested": "data-element codes",
    "sharing.LedgerEntry.shared": "data-element codes",
    "sharing.LedgerEntry.codes": "reason codes of the engine",
    "sharing.LedgerEntry.request": "the typed request the engine saw: codes, an age, flags — "
    "built by sharing.facts without names or free text",
    "sharing.ExceptionalCircumstance.kind": CODE,
    "sharing.ExceptionalCircumstance.recipient": "an agency slug",
    "sharing.ExceptionalCircumstance.status": CODE,
    # idempotency
    "idempotency.IdempotencyKey.key": "the client's retry key, a random token",
    "idempotency.IdempotencyKey.method": "an HTTP method",
    "idempotency.IdempotencyKey.path": "the request path: ids, no personal data",
    "idempotency.IdempotencyKey.body_hash": "a SHA-256 hash of the request body",
}


def unencrypted_text_columns(model_list: list[type[models.Model]]) -> list[str]:
    found = []
    for model in model_list:
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField) or not isinstance(field, TEXT_FIELDS):
                continue
            label = f"{model._meta.label}.{field.name}"
            if label not in NOT_PERSONAL:
                found.append(label)
    return found


def personal_models() -> list[type[models.Model]]:
    return [m for label in PERSONAL_APPS for m in apps.get_app_config(label).get_models()]


def test_every_free_text_column_is_encrypted_or_listed_as_not_personal() -> None:
    unlisted = unencrypted_text_columns(personal_models())
    assert unlisted == [], (
        "plain-text columns in personal-data apps; make them EncryptedTextField or list them in "
        f"NOT_PERSONAL with the reason: {unlisted}"
    )


def test_the_allow_list_names_only_columns_that_exist_and_are_plain() -> None:
    present = {
        f"{m._meta.label}.{f.name}": f
        for m in personal_models()
        for f in m._meta.local_concrete_fields
    }
    stale = [
        label
        for label in NOT_PERSONAL
        if label not in present or isinstance(present[label], EncryptedTextField)
    ]
    assert stale == []


def test_the_two_columns_of_issue_12_are_encrypted() -> None:
    form_record = apps.get_model("caseforms", "FormRecord")
    referral = apps.get_model("referrals", "Referral")
    assert isinstance(form_record._meta.get_field("decision_note"), EncryptedTextField)
    assert isinstance(referral._meta.get_field("response_reason"), EncryptedTextField)


@isolate_apps("tests")
def test_the_walk_fails_on_a_new_plain_text_column() -> None:
    class Synthetic(models.Model):
        notes = models.TextField()
        nickname = models.CharField(max_length=50)
        extra = models.JSONField()
        sealed = EncryptedTextField()
        count = models.IntegerField()

        class Meta:
            app_label = "tests"

        def __str__(self) -> str:
            return "synthetic"

    assert unencrypted_text_columns([Synthetic]) == [
        "tests.Synthetic.notes",
        "tests.Synthetic.nickname",
        "tests.Synthetic.extra",
    ]
