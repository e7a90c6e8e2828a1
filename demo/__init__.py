"""The demo data set `manage.py seed_demo` loads for `make run`: its rows (data), its standing
data (reference), each day's list (planner) and the command that writes them through the
services. Nothing imports it: it stands above every other app."""
