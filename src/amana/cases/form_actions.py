"""The write path for form definitions: an agency adapts a form to its SOPs.

Adapting never overwrites: it stores a new version for the actor's agency, and every
FormRecord keeps pointing at the version it was entered with.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from amana.accounts.errors import ActionError, NotAllowed
from amana.accounts.models import Agency, User
from amana.accounts.roles import Perm
from amana.audit.log import write_entry
from amana.cases.formdefs import DefinitionError, current_form, next_version, validate_definition
from amana.cases.models import FormDefinition


@transaction.atomic
def do_adapt_form(*, form_id: str, definition: dict[str, Any], actor: User) -> FormDefinition:
    """Store `definition` as the actor's agency's newest version of `form_id`.

    Needs FORM_MANAGE. The definition must be valid, keep the form's id and step, and differ
    from the version in use (an unchanged definition returns the version in use).
    """
    if not actor.has_permission(Perm.FORM_MANAGE):
        raise NotAllowed(Perm.FORM_MANAGE.value)
    agency = Agency.objects.select_for_update().get(pk=actor.agency_id)
    try:
        base = current_form(form_id, agency)
    except FormDefinition.DoesNotExist:
        raise ActionError("form_id", _("There is no form %(form)s.") % {"form": form_id}) from None
    try:
        cleaned = validate_definition(definition)
    except DefinitionError as exc:
        raise ActionError("definition", str(exc)) from exc
    if cleaned["id"] != form_id:
        raise ActionError(
            "definition",
            _("id: must stay %(form)s (the form being adapted).") % {"form": form_id},
        )
    step = base.definition.get("step")
    if cleaned["step"] != step:
        raise ActionError("definition", _("step: must stay %(step)s.") % {"step": step})
    if base.definition == cleaned:
        return base  # nothing changed: no new version
    version = next_version(form_id, agency)
    adapted = FormDefinition.objects.create(
        form_id=form_id,
        version=version,
        agency=agency,
        definition=cleaned,
        created_by=actor,
    )
    write_entry(
        actor=actor,
        action="form.adapt",
        object_type="form",
        object_id=f"{form_id}@{version}",
        details={"form_id": form_id, "version": version, "based_on": base.version},
    )
    return adapted
