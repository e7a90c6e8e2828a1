"""What every staff page needs: the navigation for the signed-in user's role."""

from django.urls import reverse

from accounts.models import Role

PAGES = [
    ("today", "Today", None),
    ("book", "Book a witness", {Role.ADMIN, Role.SCHEDULER}),
    ("hearings", "Hearings", None),
    ("witnesses", "Witnesses", {Role.ADMIN, Role.SCHEDULER}),
    ("suites", "Suites", None),
    ("feeds", "Calendar feeds", None),
    ("reports", "Reports", None),
    ("audit", "Audit log", {Role.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = Role.ADMIN if user.is_superuser else user.role
    items = []
    for name, label, roles in PAGES:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(f"web:{name}")
        except Exception:  # a page not built yet is simply not in the menu
            continue
        active = request.path == url if name == "today" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items}
