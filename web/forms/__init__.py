"""The staff pages' forms by area, as web/pages/ has the pages; the GOV.UK markup (govuk.py),
fields (fields.py) and error summary (errors.py) they share."""
