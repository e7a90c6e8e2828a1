from django.apps import AppConfig


class EvidenceSuitesConfig(AppConfig):
    name = "evidence_suites"
    verbose_name = "Evidence suites"
