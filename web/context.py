"""What every staff page needs: the navigation for the signed-in user's role."""

from django.urls import reverse

from accounts.permissions import may

#: (page, label, the ability a user needs to see it in the menu, or None for everyone).
PAGES = [
    ("today", "Today", None),
    ("book", "Book a witness", "schedule"),
    ("hearings", "Hearings", None),
    ("court-lists", "Court lists", "follow_court_lists"),
    ("witnesses", "Witnesses", "schedule"),
    ("suites", "Suites", None),
    ("feeds", "Calendar feeds", None),
    ("reports", "Reports", None),
    ("audit", "Audit log", "administer"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for name, label, ability in PAGES:
        if ability is not None and not may(user, ability):
            continue
        try:
            url = reverse(f"web:{name}")
        except Exception:  # a page not built yet is simply not in the menu
            continue
        active = request.path == url if name == "today" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items}
