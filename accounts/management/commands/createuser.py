"""`manage.py createuser USERNAME --password PASSWORD --role ROLE [--force CODE] [--court CODE]`

Creates a staff user scoped by role (API.md, "Users and roles"):

- `admin`: everything; also a Django superuser, so they can use /admin/.
- `scheduler`, `suite_manager`: one police force (`--force`, a force code).
- `court_user`: one court (`--court`, a court code).

`--update` resets the password, role, scope and email of an existing user instead of refusing
(and ends their API tokens, as any password change does).

`--otp` enrols the user in two-factor sign-in: a new authenticator app secret and ten recovery
codes, printed this once (the admin never shows them); run it again to replace them, e.g.
for a lost phone.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from accounts.audit import AuditedCommand
from accounts.models import Role, User
from accounts.two_factor import (
    Enrolment,
    has_two_factor,
    two_factor_enrol,
    two_factor_required,
)

# The force and court a user works for, reached through the user's own foreign keys: accounts
# imports neither evidence_suites nor bookings (the import-linter contracts in pyproject.toml).
Force = User._meta.get_field("force").related_model
Court = User._meta.get_field("court").related_model

FORCE_ROLES = (Role.SCHEDULER, Role.SUITE_MANAGER)
COURT_ROLES = (Role.COURT_USER,)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _resolve_scope(role: str, force_code: str | None, court_code: str | None):
    """The force and court a role is scoped to, from their codes; refuses what does not fit."""
    if role not in Role.values:
        raise CommandError(f"Unknown role {role!r}. Choose one of: {', '.join(Role.values)}.")
    force = court = None
    if role in FORCE_ROLES:
        if not force_code:
            raise CommandError(f"A {role} works for one police force: give --force CODE.")
        force = Force.objects.filter(code=force_code).first()
        if force is None:
            known = ", ".join(Force.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"No force with code {force_code!r}. Known: {known or 'none'}.")
    elif force_code:
        raise CommandError(f"--force applies only to the roles {', '.join(FORCE_ROLES)}.")
    if role in COURT_ROLES:
        if not court_code:
            raise CommandError(f"A {role} works for one court: give --court CODE.")
        court = Court.objects.filter(code=court_code).first()
        if court is None:
            known = ", ".join(Court.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"No court with code {court_code!r}. Known: {known or 'none'}.")
    elif court_code:
        raise CommandError(f"--court applies only to the role {', '.join(COURT_ROLES)}.")
    return force, court


@transaction.atomic
def staff_user_save(
    *,
    username: str,
    password: str,
    role: str,
    force_code: str | None = None,
    court_code: str | None = None,
    email: str = "",
    update: bool = False,
) -> tuple[User, bool]:
    """Create a staff user (or, with `update`, reset an existing one). Returns (user, created).

    Shared by `createuser` and `seed_demo`. Refuses with a CommandError: an unknown role, a
    missing or unknown force or court, an existing username (without `update`), a password
    Django's validators reject, or an invalid username or email.
    """
    force, court = _resolve_scope(role, force_code, court_code)
    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    if not created and not update:
        raise CommandError(
            f"A user named {username!r} already exists; use --update to reset their password "
            "and role."
        )
    if created:
        user = User(username=username)
    user.role = role
    user.force = force
    user.court = court
    if email or created:
        user.email = email
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.is_active = True
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise CommandError(f"Password refused: {_messages(error)}") from None
    user.set_password(password)
    try:
        user.full_clean(validate_unique=created)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise CommandError(f"Cannot save {username!r}: {problems}") from None
    user.save()
    return user, created


class Command(AuditedCommand):
    help = "Create a staff user with a role, scoped to a police force or a court."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}.")
        parser.add_argument(
            "--force", dest="force_code", help="Force code (scheduler, suite_manager)."
        )
        parser.add_argument("--court", dest="court_code", help="Court code (court_user).")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--update",
            action="store_true",
            help="If the user exists, reset their password, role, scope (and email, if given).",
        )
        parser.add_argument(
            "--otp",
            action="store_true",
            help="Enrol in two-factor sign-in: prints an authenticator secret and recovery codes "
            "once (replacing any the user had).",
        )

    def handle(
        self,
        *args,
        username,
        password,
        role,
        force_code,
        court_code,
        email,
        update,
        otp,
        **options,
    ):
        with transaction.atomic():
            user, created = staff_user_save(
                username=username,
                password=password,
                role=role,
                force_code=force_code,
                court_code=court_code,
                email=email,
                update=update,
            )
            enrolment = two_factor_enrol(user=user) if otp else None
        scope = user.force or user.court
        where = f" ({scope})" if scope else ""
        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {user.username}: {user.get_role_display()}{where}.")
        )
        if enrolment is not None:
            self._print_enrolment(user, enrolment)
        elif two_factor_required(user) and not has_two_factor(user):
            self.stdout.write(
                self.style.WARNING(
                    f"A {user.get_role_display().lower()} must use two-factor sign-in "
                    "(OTP_REQUIRED_ROLES): they cannot sign in until enrolled. Run this again "
                    "with --update --otp."
                )
            )

    def _print_enrolment(self, user: User, enrolment: Enrolment) -> None:
        write = self.stdout.write
        write(f"Two-factor sign-in is set up for {user.username}. Shown this once only:")
        write("  Authenticator app secret (type it in, or open the link below on the phone):")
        write(f"    {enrolment.secret}")
        write(f"    {enrolment.uri}")
        write("  Recovery codes (each works once, instead of the app's code):")
        for code in enrolment.recovery_codes:
            write(f"    {code}")
        write("Give them to the user by a safe route: they are not shown again.")
