"""Staff pages: feeds."""

urlpatterns: list = []
