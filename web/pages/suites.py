"""Staff pages: suites."""

urlpatterns: list = []
