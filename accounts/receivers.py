"""Signal receivers for sign-in bookkeeping, connected in AccountsConfig.ready.

Signals on purpose here, against the house rule: each of these must happen however the thing
came about, and most of the ways (Django's admin forms, `set_password`, django-axes) are code
we do not own. A token that survives one password change because it was made in the admin is
the bug this prevents (Django ends sessions on a password change the same way, by the hash).
"""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save

from . import audit
from .middleware import note_sign_in_time
from .models import User
from .tokens import api_tokens_revoke_all

logger = logging.getLogger("accounts.sign_in")

_ENDS_TOKENS = "_api_tokens_to_end"
_PASSWORD_CHANGED = "_password_changed"


def _note_credentials_change(sender, instance: User, raw=False, update_fields=None, **kwargs):
    """Before a user is saved: will this save change their password or switch them off?"""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login on every sign-in
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    # Django re-hashes a password on sign-in when its hasher's settings change (it saves only
    # `password`, with no new password set): the same password, so tokens are kept.
    rehash = update_fields is not None and set(update_fields) == {"password"}
    rehash = rehash and getattr(instance, "_password", None) is None
    password_changed = before["password"] != instance.password and not rehash
    switched_off = before["is_active"] and not instance.is_active
    setattr(instance, _ENDS_TOKENS, password_changed or switched_off)
    setattr(instance, _PASSWORD_CHANGED, password_changed)


def _end_api_tokens(sender, instance: User, **kwargs):
    """After the save: every API token of a user whose password changed or who was switched
    off stops working. (A queryset .update() bypasses this, as it bypasses save().)"""
    if getattr(instance, _PASSWORD_CHANGED, False):
        # The audit leaves the hash out (AUDITLOG_INCLUDE_TRACKING_MODELS): that it changed,
        # by whom and from where, is what the record needs.
        setattr(instance, _PASSWORD_CHANGED, False)
        audit.record(instance, changes={"password": ["(old)", "(changed)"]})
    if getattr(instance, _ENDS_TOKENS, False):
        setattr(instance, _ENDS_TOKENS, False)
        revoked = api_tokens_revoke_all(user=instance)
        if revoked:
            logger.info("Ended %d API token(s) of user %s", revoked, instance.pk)


def _log_lockout(sender, request, username, ip_address, **kwargs):
    logger.warning(
        "Sign-in locked out: username=%r address=%s path=%s",
        username,
        ip_address,
        getattr(request, "path", ""),
    )


def connect() -> None:
    pre_save.connect(_note_credentials_change, sender=User, dispatch_uid="accounts-credentials")
    post_save.connect(_end_api_tokens, sender=User, dispatch_uid="accounts-end-tokens")
    user_logged_in.connect(note_sign_in_time, dispatch_uid="accounts-signed-in-at")
    user_locked_out.connect(_log_lockout, dispatch_uid="accounts-lockout-log")
