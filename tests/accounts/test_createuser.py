"""`manage.py createuser`: one staff user per role, scoped to a force or a court."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import Role, User

PASSWORD = "live-link-tuesday-42"


def createuser(*args: str) -> str:
    out = StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope_args"),
    [
        (Role.ADMIN, []),
        (Role.SCHEDULER, ["--force", "sussex"]),
        (Role.SUITE_MANAGER, ["--force", "sussex"]),
        (Role.COURT_USER, ["--court", "brighton-mc"]),
    ],
)
def test_creates_a_user_for_each_role(sussex, court, role, scope_args):
    output = createuser(
        "staff.member",
        "--password",
        PASSWORD,
        "--role",
        role,
        "--email",
        "s@x.example",
        *scope_args,
    )

    user = User.objects.get(username="staff.member")
    assert "Created staff.member" in output
    assert user.role == role
    assert user.email == "s@x.example"
    assert user.force == (sussex if role in (Role.SCHEDULER, Role.SUITE_MANAGER) else None)
    assert user.court == (court if role == Role.COURT_USER else None)
    # Only admins get into the Django admin.
    assert user.is_staff is (role == Role.ADMIN)
    assert user.is_superuser is (role == Role.ADMIN)
    assert authenticate(username="staff.member", password=PASSWORD) == user
    assert authenticate(username="staff.member", password="wrong-password") is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.SUITE_MANAGER])
def test_a_force_role_needs_a_force(sussex, role):
    with pytest.raises(CommandError, match="--force"):
        createuser("no.force", "--password", PASSWORD, "--role", role)
    assert not User.objects.filter(username="no.force").exists()


@pytest.mark.django_db
def test_unknown_force_is_refused(sussex):
    with pytest.raises(CommandError, match=r"No force with code 'essex'\. Known: sussex"):
        createuser("x.user", "--password", PASSWORD, "--role", "scheduler", "--force", "essex")


@pytest.mark.django_db
def test_court_user_needs_a_known_court(court):
    with pytest.raises(CommandError, match="--court"):
        createuser("court.user", "--password", PASSWORD, "--role", "court_user")
    with pytest.raises(CommandError, match="No court with code 'lewes-cc'"):
        createuser(
            "court.user", "--password", PASSWORD, "--role", "court_user", "--court", "lewes-cc"
        )
    assert not User.objects.filter(username="court.user").exists()


@pytest.mark.django_db
def test_scope_that_does_not_fit_the_role_is_refused(sussex, court):
    with pytest.raises(CommandError, match="--court applies only"):
        createuser(
            "x.user",
            "--password",
            PASSWORD,
            "--role",
            "scheduler",
            "--force",
            "sussex",
            "--court",
            "brighton-mc",
        )
    with pytest.raises(CommandError, match="--force applies only"):
        createuser("x.user", "--password", PASSWORD, "--role", "admin", "--force", "sussex")


@pytest.mark.django_db
def test_unknown_role_is_refused():
    with pytest.raises(CommandError, match="Unknown role 'superhero'"):
        createuser("x.user", "--password", PASSWORD, "--role", "superhero")


@pytest.mark.django_db
def test_weak_password_is_refused_with_the_validators_messages():
    with pytest.raises(CommandError, match="too short") as refusal:
        createuser("x.user", "--password", "1234", "--role", "admin")
    assert "entirely numeric" in str(refusal.value)
    assert not User.objects.filter(username="x.user").exists()


@pytest.mark.django_db
def test_existing_username_is_refused_unless_updating(sussex):
    createuser("sam", "--password", PASSWORD, "--role", "scheduler", "--force", "sussex")

    with pytest.raises(CommandError, match="already exists; use --update"):
        createuser("sam", "--password", "another-long-phrase-7", "--role", "admin")
    assert authenticate(username="sam", password=PASSWORD) is not None

    output = createuser("sam", "--password", "another-long-phrase-7", "--role", "admin", "--update")
    user = User.objects.get(username="sam")
    assert "Updated sam" in output
    assert (user.role, user.force, user.is_superuser) == (Role.ADMIN, None, True)
    assert authenticate(username="sam", password="another-long-phrase-7") == user
    assert User.objects.count() == 1
