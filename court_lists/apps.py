from django.apps import AppConfig


class CourtListsConfig(AppConfig):
    name = "court_lists"
    verbose_name = "Court lists: the courts' published daily lists, followed"
