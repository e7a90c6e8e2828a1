"""Staff pages: witnesses."""

urlpatterns: list = []
