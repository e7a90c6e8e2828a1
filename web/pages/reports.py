"""Staff pages: reports."""

urlpatterns: list = []
