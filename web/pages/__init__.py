"""Staff pages by area; each module has its own `urlpatterns`, included by web/urls.py."""
