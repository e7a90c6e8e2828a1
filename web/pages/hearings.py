"""Staff pages: hearings."""

urlpatterns: list = []
