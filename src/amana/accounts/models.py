"""Agencies, users and the roles granted to them."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amana.accounts.roles import Perm, Role, permissions_for
from amana.crypto.fields import EncryptedTextField

slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,62}$",
    _("Use 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit."),
)


class Agency(models.Model):
    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        INTERNATIONAL_NGO = "international_ngo", _("International NGO")
        NATIONAL_NGO = "national_ngo", _("National NGO")
        GOVERNMENT = "government", _("Government")

    slug = models.CharField(
        _("identifier"), max_length=63, unique=True, validators=[slug_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    case_prefix = models.CharField(_("case number prefix"), max_length=12, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def create_user(
        self, username: str, agency: Agency, password: str | None = None, **extra: object
    ) -> User:
        user = self.model(username=username, agency=agency, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)


class User(AbstractBaseUser):
    """A person working in one agency. Nobody is a Django superuser."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = models.CharField(
        _("username"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9._@-]{3,64}$",
                _("Use 3 to 64 letters, digits and . _ @ - characters."),
            )
        ],
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users")
    full_name = EncryptedTextField(_("full name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = models.EmailField(_("work e-mail"), blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when an administrator resets the password: the login wall sends the user to the
    # password change page until they choose their own.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # How many of the user's notifications are unread: the menu badge, read with the user
    # row every request already loads (no query of its own). Kept by amana.notifications'
    # write path, in the transaction that adds or reads notifications.
    unread_notifications = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.username

    @property
    def roles(self) -> frozenset[str]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    @property
    def role_labels(self) -> list[str]:
        """The names of the user's roles, in the order of the roles table, for a page."""
        return [str(label) for role, label in Role.choices if role in self.roles]

    @property
    def permissions(self) -> frozenset[Perm]:
        """What the roles grant an active user; worked out once for the roles read (a page
        asks a dozen times: the navigation, each section's links)."""
        key = (self.roles, self.is_active)
        cached = self.__dict__.get("_permissions_cache")
        if cached is None or cached[0] != key:
            granted = permissions_for(key[0]) if key[1] else frozenset()
            cached = self.__dict__["_permissions_cache"] = (key, granted)
        return cached[1]

    def has_permission(self, perm: Perm) -> bool:
        return perm in self.permissions

    def forget_roles(self) -> None:
        self.__dict__.pop("_roles_cache", None)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_grant")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"
