"""Planning: what each synthetic case is, as plain values. Pure and deterministic for a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from amana.cases.models import Case, Child, RelatedPerson
from amana.ops.seed.mix import (
    AGE_WEIGHTS,
    AGENCY_WEIGHTS,
    BLOCKS_PER_CAMP,
    CARE,
    CLOSURE_REASONS,
    CONCERNS,
    DUE_SPREAD_DAYS,
    HISTORY_DAYS,
    OPEN_STAGES,
    REREGISTERED,
    RISKS,
    pick,
)
from amana.ops.seed.names import ORIGINS, ROHINGYA_FEMALE_SUFFIX, ROHINGYA_MALE, NameSpec, Origin
from amana.ops.seed.reference import Reference


@dataclass
class PersonPlan:
    relationship: str
    full_name: str
    phone: str
    is_caregiver: bool
    lives_with_child: bool


@dataclass
class CasePlan:
    index: int
    agency: str
    full_name: str
    other_names: str
    sex: str
    date_of_birth: str
    birth_year: int | None
    nationality: str
    individual_id: str
    phone: str
    address: str
    people: list[PersonPlan]
    registered_at: datetime
    status: str
    stage: str
    risk_level: str
    care_arrangement: str
    is_refugee: bool
    best_interests_status: str
    concerns: list[str]
    block: int
    caseworker: int
    next_due_at: datetime | None
    closed_at: datetime | None
    closure_reason: str
    duplicate_of: int | None = None


@dataclass
class Identity:
    """Who a child is, to register the same child again with other spellings."""

    origin: Origin
    female: bool
    given: NameSpec
    father: NameSpec
    grandfather: NameSpec
    family: NameSpec | None
    family2: NameSpec | None
    mother: NameSpec
    mother_father: NameSpec
    extra: NameSpec | None
    date_of_birth: date | None
    individual_id: str
    index: int


@dataclass
class Planner:
    seed: int
    total: int
    now: datetime
    reference: Reference
    rng: random.Random = field(init=False)
    previous: Identity | None = field(default=None, init=False)
    previous_agency: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.agency_slugs = list(self.reference.agencies)
        self.agency_weights = [(slug, AGENCY_WEIGHTS[slug]) for slug in self.agency_slugs]
        self.block_weights = [(i, w) for i, (_, _, w) in enumerate(self.reference.blocks)]
        self.concern_weights = [(code, w) for code, _, w in CONCERNS]
        self.origin_weights = [(origin, origin.weight) for origin in ORIGINS]
        self.start = self.now - timedelta(days=HISTORY_DAYS)

    def plan(self, index: int) -> CasePlan:
        rng = self.rng
        registered = self.start + timedelta(
            days=HISTORY_DAYS * (index + rng.random()) / max(self.total, 1)
        )
        again = self.previous is not None and rng.random() < REREGISTERED
        identity = self._again(registered) if again else self._identity(index, registered)
        agency = pick(rng, self.agency_weights)
        if again and rng.random() < 0.5:
            agency = self.previous_agency  # the same agency, unaware of its own record
        self.previous, self.previous_agency = identity, agency
        return self._case(index, agency, identity, registered)

    # --- who the child is

    def _identity(self, index: int, registered: datetime) -> Identity:
        rng = self.rng
        origin = pick(rng, self.origin_weights)
        female = rng.random() < 0.48
        unknown_dob = rng.random() < 0.05
        dob = None if unknown_dob else self._birth_date(registered)
        return Identity(
            origin=origin,
            female=female,
            given=rng.choice(origin.female if female else origin.male),
            father=rng.choice(origin.male),
            grandfather=rng.choice(origin.male),
            family=rng.choice(origin.family) if origin.family else None,
            family2=rng.choice(origin.family) if origin.family else None,
            mother=rng.choice(origin.female),
            mother_father=rng.choice(origin.male),
            extra=rng.choice(ROHINGYA_FEMALE_SUFFIX) if origin.key == "rohingya" else None,
            date_of_birth=dob,
            individual_id=self._individual_id(index) if rng.random() < 0.6 else "",
            index=index,
        )

    def _again(self, registered: datetime) -> Identity:
        """The previous child, registered again: often another agency, another spelling."""
        rng = self.rng
        before = self.previous
        assert before is not None
        dob = before.date_of_birth
        if dob is not None and rng.random() < 0.4:
            dob = dob.replace(year=dob.year + rng.choice((-1, 1)), day=min(dob.day, 28))
        if dob is not None and dob > registered.date():
            dob = before.date_of_birth
        individual_id = before.individual_id if rng.random() < 0.5 else ""
        return Identity(**{**before.__dict__, "date_of_birth": dob, "individual_id": individual_id})

    def _birth_date(self, registered: datetime) -> date:
        rng = self.rng
        years_since = (self.now - registered).days // 365
        oldest = max(0, 17 - years_since)
        age = pick(rng, [(a, w) for a, w in enumerate(AGE_WEIGHTS) if a <= oldest])
        born = registered.date() - timedelta(days=int(365.25 * age) + rng.randrange(365))
        return born

    def _individual_id(self, index: int) -> str:
        # A bijection on the index (the multiplier is prime to 10^8): unique within a run.
        number = (index * 7_919_731 + self.seed * 1_000_003) % 100_000_000
        return f"{100 + index % 900:03d}-{number:08d}"

    def _full_name(self, identity: Identity) -> tuple[str, str]:
        """The name as this registration spells it, and, for some Arabic names, in Arabic."""
        rng = self.rng
        origin = identity.origin
        parts = [identity.given]
        if origin.key == "rohingya":
            if identity.female and identity.extra is not None and rng.random() < 0.8:
                parts.append(identity.extra)
            elif not identity.female and identity.given != ROHINGYA_MALE[0] and rng.random() < 0.5:
                parts.insert(0, ROHINGYA_MALE[0])  # Mohammed / Md Yunus
        elif origin.key == "congolese":
            assert identity.family is not None and identity.family2 is not None
            parts = [identity.family, identity.family2, identity.given]
            if rng.random() < 0.5:
                parts = [identity.given, identity.family]
        else:
            parts.append(identity.father)
            if origin.patronymic >= 2:
                parts.append(identity.grandfather)
            if identity.family is not None and rng.random() < 0.7:
                parts.append(identity.family)
        latin = " ".join(part.spell(rng) for part in parts)
        arabic = ""
        if origin.key == "arabic" and rng.random() < 0.35:
            arabic = " ".join(part.arabic for part in parts if part.arabic)
        return latin, arabic

    def _person_name(self, identity: Identity, who: str) -> str:
        rng = self.rng
        origin = identity.origin
        if who == "father":
            parts = [identity.father, identity.grandfather]
        elif who == "mother":
            parts = [identity.mother, identity.mother_father]
            if origin.key == "rohingya":
                parts = [identity.mother, rng.choice(ROHINGYA_FEMALE_SUFFIX)]
        else:
            parts = [rng.choice(origin.male + origin.female), identity.grandfather]
        if identity.family is not None and origin.key != "arabic":
            parts = [parts[0], identity.family]
        elif identity.family is not None and who == "father" and rng.random() < 0.7:
            parts.append(identity.family)
        return " ".join(part.spell(rng) for part in parts)

    def _people(self, identity: Identity, care: str) -> list[PersonPlan]:
        rng = self.rng
        unaccompanied = care == Case.CareArrangement.UNACCOMPANIED
        kinship = care in (Case.CareArrangement.KINSHIP, Case.CareArrangement.FOSTER)
        count = rng.choice((1, 2, 2, 2, 3))
        people = []
        order = ["mother", "father", "relative"] if rng.random() < 0.8 else ["father", "mother"]
        for position, who in enumerate([*order, "relative", "sibling"][:count]):
            caregiver = position == 0 and not unaccompanied and not kinship
            if kinship and who == "relative":
                caregiver = True
            relationship = {
                "mother": RelatedPerson.Relationship.MOTHER,
                "father": RelatedPerson.Relationship.FATHER,
                "sibling": RelatedPerson.Relationship.SIBLING,
            }.get(who, RelatedPerson.Relationship.RELATIVE)
            people.append(
                PersonPlan(
                    relationship=relationship,
                    full_name=self._person_name(identity, who),
                    phone=self._phone(identity.origin) if rng.random() < 0.6 else "",
                    is_caregiver=caregiver,
                    lives_with_child=caregiver or (not unaccompanied and rng.random() < 0.5),
                )
            )
        return people

    def _phone(self, origin: Origin) -> str:
        digits = f"{self.rng.randrange(10**8):08d}"
        return f"{origin.phone}{digits[:2]} {digits[2:5]} {digits[5:]}"

    # --- the case

    def _case(self, index: int, agency: str, identity: Identity, registered: datetime) -> CasePlan:
        rng = self.rng
        full_name, arabic = self._full_name(identity)
        care = pick(rng, CARE)
        closed = rng.random() < 0.15
        stage = Case.Stage.CLOSED if closed else pick(rng, OPEN_STAGES)
        risk = pick(rng, RISKS)
        refugee = rng.random() < 0.85
        block = pick(rng, self.block_weights)
        _, camp, _ = self.reference.blocks[block]
        closed_at = None
        if closed:
            closed_at = min(self.now, registered + timedelta(days=rng.uniform(20, 400)))
        due = None
        if not closed:
            due = self.now + timedelta(days=rng.uniform(-DUE_SPREAD_DAYS, DUE_SPREAD_DAYS))
        concerns = {pick(rng, self.concern_weights) for _ in range(rng.choice((1, 1, 2, 2, 3)))}
        if care == Case.CareArrangement.UNACCOMPANIED:
            concerns.add("unaccompanied")
        dob = identity.date_of_birth
        return CasePlan(
            index=index,
            agency=agency,
            full_name=full_name,
            other_names=arabic,
            sex=Child.Sex.FEMALE if identity.female else Child.Sex.MALE,
            date_of_birth=dob.isoformat() if dob else "",
            birth_year=dob.year if dob else None,
            nationality=pick(rng, identity.origin.nationalities),
            individual_id=identity.individual_id,
            phone=self._phone(identity.origin) if rng.random() < 0.5 else "",
            address=f"{camp}, block {block % BLOCKS_PER_CAMP + 1}, shelter {rng.randint(1, 400)}",
            people=self._people(identity, care),
            registered_at=registered,
            status=Case.Status.CLOSED if closed else Case.Status.OPEN,
            stage=stage,
            risk_level=risk,
            care_arrangement=care,
            is_refugee=refugee,
            best_interests_status=self._best_interests(stage, refugee),
            concerns=sorted(concerns),
            block=block,
            caseworker=rng.randrange(1 << 30),
            next_due_at=due,
            closed_at=closed_at,
            closure_reason=pick(rng, CLOSURE_REASONS) if closed else "",
            duplicate_of=identity.index if identity.index != index else None,
        )

    def _best_interests(self, stage: str, refugee: bool) -> str:
        if not refugee or stage in (Case.Stage.REGISTERED, Case.Stage.ASSESSED):
            return Case.BestInterestsStatus.NONE
        return self.rng.choice(
            (
                Case.BestInterestsStatus.BIA_DONE,
                Case.BestInterestsStatus.BIA_DONE,
                Case.BestInterestsStatus.BID_PENDING,
                Case.BestInterestsStatus.BID_DONE,
            )
        )
