"""The authorization matrix's expectations (test_authorization_matrix.py reads them): the
roles, the tables, one line per endpoint and one column per role, and the known bugs.

A cell is one status, or `in|out`: the status for an object in the caller's scope, then for
one outside it. The last column names the body sent (matrix_bodies.py)."""

from __future__ import annotations

ROLES = (
    "anonymous",
    "admin",
    "scheduler_a",
    "scheduler_b",
    "suite_manager_a",
    "court_user_x",
    "court_user_y",
)
ROLE_WORDS = {
    "anonymous": "anonymous",
    "admin": "an admin",
    "scheduler_a": "a scheduler of force A",
    "scheduler_b": "a scheduler of force B",
    "suite_manager_a": "a suite manager of force A",
    "court_user_x": "a court user of court X",
    "court_user_y": "a court user of court Y",
}
HOME_SIDE = {
    "anonymous": "A",
    "admin": "A",
    "scheduler_a": "A",
    "scheduler_b": "B",
    "suite_manager_a": "A",
    "court_user_x": "A",
    "court_user_y": "B",
}


# --- The matrix -------------------------------------------------------------------------------

# fmt: off
API = """
# method path                                            anon admin sch-A    sch-B    sm-A     court-X  court-Y  body
POST   /api/v1/auth/token/                               200  200   200      200      200      200      200      own_credentials
POST   /api/v1/auth/token/                               400  400   400      400      400      400      400      wrong_password
DELETE /api/v1/auth/token/                               401  204   204      204      204      204      204
GET    /api/v1/me/                                       401  200   200      200      200      200      200
GET    /api/v1/forces/                                   401  200   200      200      200      200      200
GET    /api/v1/forces/{force}/                           401  200   200      200      200      200      200
POST   /api/v1/forces/                                   401  201   403      403      403      403      403      new_force
PATCH  /api/v1/forces/{force}/                           401  200   403      403      403      403      403      witness_language_default
GET    /api/v1/courts/                                   401  200   200      200      200      200      200
GET    /api/v1/courts/{court}/                           401  200   200      200      200      200      200
POST   /api/v1/courts/                                   401  201   403      403      403      403      403      new_court
PATCH  /api/v1/courts/{court}/                           401  200   403      403      403      403      403      list_policy
GET    /api/v1/court-lists/                              401  200   200      200      200      200      200
GET    /api/v1/court-lists/{court_list}/                 401  200   200      200      200      200|404  200|404
POST   /api/v1/court-lists/                              401  201   403      403      403      201|403  201|403  court_list
GET    /api/v1/list-changes/                             401  200   200      200      200      200      200
GET    /api/v1/list-changes/{list_change}/               401  200   200      200      200      200|404  200|404
POST   /api/v1/list-changes/{list_change}/apply/         401  200   200|409  200|409  403      200|404  200|404
POST   /api/v1/list-changes/{list_change}/dismiss/       401  200   200|409  200|409  403      200|404  200|404
GET    /api/v1/suites/                                   401  200   200      200      200      200      200
GET    /api/v1/suites/{suite}/                           401  200   200      200      200      200      200
POST   /api/v1/suites/                                   401  201   403      403      201|400  403      403      new_suite
PATCH  /api/v1/suites/{suite}/                           401  200   403      403      200|403  403      403      rename
DELETE /api/v1/suites/{spare_suite}/                     401  204   403      403      204|403  403      403
GET    /api/v1/suites/{suite}/closures/                  401  200   200      200      200      200      200
POST   /api/v1/suites/{suite}/closures/                  401  201   403      403      201|403  403      403      new_closure
GET    /api/v1/suites/{suite}/closures/{closure}/        401  200   200      200      200      200      200
DELETE /api/v1/suites/{suite}/closures/{closure}/        401  204   403      403      204|403  403      403
GET    /api/v1/availability/?{availability_query}        401  200   200      200      200      200      200
GET    /api/v1/hearings/                                 401  200   200      200      200      200      200
GET    /api/v1/hearings/{hearing}/                       401  200   200      200      200      200|404  200|404
POST   /api/v1/hearings/                                 401  201   201      201      403      201|400  201|400  new_hearing
PATCH  /api/v1/hearings/{hearing}/                       401  200   200|409  200|409  403      200|404  200|404  courtroom
POST   /api/v1/hearings/{hearing}/vacate/                401  200   200|409  200|409  403      200|404  200|404  reason
POST   /api/v1/hearings/{hearing}/relist/                401  200   200|409  200|409  403      200|404  200|404  next_day
GET    /api/v1/witnesses/                                401  200   200      200      200      200      200
GET    /api/v1/witnesses/{witness}/                      401  200   200|404  200|404  404      404      404
POST   /api/v1/witnesses/                                401  201   201|400  201|400  403      403      403      new_witness
PATCH  /api/v1/witnesses/{witness}/                      401  200   200|404  200|404  403      403      403      rename_witness
GET    /api/v1/witnesses/{witness}/unavailability/       401  200   200|404  200|404  404      404      404
POST   /api/v1/witnesses/{witness}/unavailability/       401  201   201|404  201|404  403      403      403      new_period
DELETE /api/v1/witnesses/{witness}/unavailability/{unavailability}/  401  204  204|404  204|404  403  403  403
POST   /api/v1/witnesses/{witness}/unavailability/import/  401  200  200|404  200|404  403  403  403  roster
POST   /api/v1/unavailability/import/                    401  400   200      200      403      403      403      force_csv
POST   /api/v1/unavailability/import/?force={force}      401  200   200|400  200|400  403      403      403      force_csv
GET    /api/v1/bookings/                                 401  200   200      200      200      200      200
POST   /api/v1/bookings/                                 401  201   201|400  201|400  403      403      403      new_booking
GET    /api/v1/bookings/{booking}/                       401  200   200|404  200|404  200|404  200|404  200|404
PATCH  /api/v1/bookings/{booking}/                       401  200   200|404  200|404  403      403      403      notes
PATCH  /api/v1/bookings/{booking}/                       401  200   200|404  200|404  403      200|404  200|404  video_link
PUT    /api/v1/bookings/{booking}/                       401  405   405      405      403      403      403      notes
POST   /api/v1/bookings/{booking}/cancel/                401  200   200|404  200|404  403      403      403      reason
POST   /api/v1/bookings/{booking}/check-in/              401  200   200|404  200|404  200|404  403      403      empty
POST   /api/v1/bookings/{booking}/complete/              401  200   200|404  200|404  200|404  403      403      not_required
GET    /api/v1/bookings/{booking}/history/               401  200   200|404  200|404  200|404  200|404  200|404
GET    /api/v1/bookings/{booking}/notifications/         401  200   200|404  200|404  200|404  200|404  200|404
GET    /api/v1/attention/                                401  200   200      200      200      200      200
POST   /api/v1/attention/{flag}/resolve/                 401  204   204|404  204|404  403      403      403
GET    /api/v1/feed-tokens/                              401  200   200      200      200      200      200
GET    /api/v1/feed-tokens/{feed_token}/                 401  200   200|404  200|404  200|404  200|404  200|404
POST   /api/v1/feed-tokens/                              401  201   201|400  201|400  201|400  400      400      suite_feed
POST   /api/v1/feed-tokens/                              401  201   201|400  201|400  400      400      400      officer_feed
POST   /api/v1/feed-tokens/                              401  201   400      400      400      201|400  201|400  court_feed
DELETE /api/v1/feed-tokens/{feed_token}/                 401  204   204|404  204|404  204|404  204|404  204|404
GET    /api/v1/report-assumptions/                       401  200   200      200      200      200      200
PATCH  /api/v1/report-assumptions/{assumption}/          401  200   403      403      403      403      403      value
GET    /api/v1/reports/hours-saved/?{report_query}       401  200   200      200      200      200      200
GET    /api/v1/reports/hours-saved/?{report_query}&format=csv  401  200  200  200   200      200      200
GET    /api/v1/reports/management-information/?{report_query}  401  200  200  200   200      200      200
GET    /api/schema/                                      200  200   200      200      200      200      200
GET    /api/docs/                                        200  200   200      200      200      200      200
GET    /api/v1/no-such-thing/                            404  404   404      404      404      404      404
POST   /api/v1/no-such-thing/                            404  404   404      404      404      404      404      empty
"""  # noqa: E501 (a table: one line per endpoint, one column per role)
PAGES = """
# method path                                            anon admin sch-A    sch-B    sm-A     court-X  court-Y  body
GET    /                                                 302  200   200      200      200      200      200
GET    /book/                                            302  200   200      200      403      403      403
POST   /book/                                            302  400   400      400      403      403      403      empty
GET    /book/suite/                                      302  302   302      302      403      403      403
GET    /book/confirm/                                    302  302   302      302      403      403      403
POST   /book/confirm/                                    302  302   302      302      403      403      403      empty
GET    /bookings/{booking}/                              302  200   200|404  200|404  200|404  200|404  200|404
GET    /bookings/{booking}/reschedule/                   302  200   200|404  200|404  403|404  403|404  403|404
POST   /bookings/{booking}/reschedule/                   302  400   400|404  400|404  403|404  403|404  403|404  empty
POST   /bookings/{booking}/reschedule/check/             302  400   400|404  400|404  403|404  403|404  403|404  empty
GET    /bookings/{booking}/cancel/                       302  200   200|404  200|404  403|404  403|404  403|404
POST   /bookings/{booking}/cancel/                       302  400   400|404  400|404  403|404  403|404  403|404  empty
POST   /bookings/{booking}/cancel/check/                 302  400   400|404  400|404  403|404  403|404  403|404  empty
GET    /bookings/{booking}/check-in/                     302  200   200|404  200|404  200|404  403|404  403|404
POST   /bookings/{booking}/check-in/                     302  400   400|404  400|404  400|404  403|404  403|404  empty
GET    /bookings/{booking}/outcome/                      302  200   200|404  200|404  200|404  403|404  403|404
POST   /bookings/{booking}/outcome/                      302  400   400|404  400|404  400|404  403|404  403|404  empty
POST   /bookings/{booking}/attention/{flag}/resolve/     302  302   302|404  302|404  403|404  403|404  403|404  empty
GET    /bookings/{booking}/video-link/                   302  200   200|404  200|404  403|404  200|404  200|404
POST   /bookings/{booking}/video-link/                   302  400   400|404  400|404  403|404  400|404  400|404  empty
GET    /suites/                                          302  200   200      200      200      200      200
GET    /suites/{suite}/                                  302  200   200      200      200      200      200
GET    /suites/{suite}/hours/                            302  200   403      403      200|403  403      403
POST   /suites/{suite}/hours/                            302  200   403      403      200|403  403      403      empty
GET    /suites/{suite}/video/                            302  200   403      403      200|403  403      403
POST   /suites/{suite}/video/                            302  302   403      403      302|403  403      403      empty
GET    /suites/{suite}/day-sheet/                        302  200   403      403      200|403  403      403
GET    /suites/{suite}/day-sheet/csv/                    302  200   403      403      200|403  403      403
GET    /courts/{court}/day-sheet/                        302  200   403      403      403      200|403  200|403
GET    /courts/{court}/day-sheet/csv/                    302  200   403      403      403      200|403  200|403
GET    /suites/{suite}/closures/                         302  200   200      200      200      200      200
POST   /suites/{suite}/closures/                         302  200   403      403      200|403  403      403      empty
GET    /suites/{suite}/closures/{closure}/remove/        302  200   403      403      200|403  403      403
POST   /suites/{suite}/closures/{closure}/remove/        302  302   403      403      302|403  403      403      empty
GET    /hearings/                                        302  200   200      200      200      200      200
GET    /hearings/{hearing}/                              302  200   200      200      200      200|404  200|404
GET    /hearings/{hearing}/vacate/                       302  200   200|409  200|409  403      200|404  200|404
POST   /hearings/{hearing}/vacate/                       302  200   200|409  200|409  403      200|404  200|404  empty
GET    /hearings/{hearing}/relist/                       302  200   200|409  200|409  403      200|404  200|404
POST   /hearings/{hearing}/relist/                       302  200   200|409  200|409  403      200|404  200|404  empty
GET    /court-lists/                                     302  200   200      200      403      302      302
GET    /court-lists/{court}/                             302  200   200      200      403      200|404  200|404
GET    /court-lists/{court}/settings/                    302  200   403      403      403      403|404  403|404
POST   /court-lists/{court}/settings/                    302  200   403      403      403      403|404  403|404  empty
GET    /court-lists/{court}/changes/                     302  200   200      200      403      200|404  200|404
GET    /court-lists/{court}/changes/{list_change}/apply/  302  200  200|409  200|409  403      200|404  200|404
POST   /court-lists/{court}/changes/{list_change}/apply/  302  302  302|409  302|409  403      302|404  302|404  empty
POST   /court-lists/{court}/changes/{list_change}/dismiss/  302  302  302|409  302|409  403    302|404  302|404  empty
GET    /witnesses/                                       302  200   200      200      404      404      404
GET    /witnesses/{witness}/                             302  200   200|404  200|404  404      404      404
GET    /witnesses/{witness}/language/                    302  200   200|404  200|404  404      404      404
POST   /witnesses/{witness}/language/                    302  400   400|404  400|404  404      404      404      empty
GET    /witnesses/dates-to-avoid/import/                 302  200   200      200      403      403      403
POST   /witnesses/dates-to-avoid/import/                 302  400   400      400      403      403      403      empty
GET    /witnesses/{witness}/dates-to-avoid/add/          302  200   200|404  200|404  404      404      404
POST   /witnesses/{witness}/dates-to-avoid/add/          302  400   400|404  400|404  404      404      404      empty
GET    /witnesses/{witness}/dates-to-avoid/{unavailability}/remove/  302  200  200|404  200|404  404  404  404
POST   /witnesses/{witness}/dates-to-avoid/{unavailability}/remove/  302  302  302|404  302|404  404  404  404  empty
GET    /witnesses/{witness}/dates-to-avoid/import/       302  200   200|404  200|404  404      404      404
POST   /witnesses/{witness}/dates-to-avoid/import/       302  400   400|404  400|404  404      404      404      empty
GET    /calendar-feeds/                                  302  200   200      200      200      200      200
GET    /calendar-feeds/{feed_token}/revoke/              302  200   200|404  200|404  200|404  200|404  200|404
POST   /calendar-feeds/{feed_token}/revoke/              302  302   302|404  302|404  302|404  302|404  302|404  empty
GET    /reports/                                         302  200   200      200      200      200      200
GET    /audit/                                           302  200   404      404      404      404      404
GET    /audit/?format=csv                                302  200   404      404      404      404      404
"""  # noqa: E501 (a table: one line per endpoint, one column per role)
# The token in the address is the only key: a staff session changes nothing.
PUBLIC = """
# method path                                            anon admin sch-A    sch-B    sm-A     court-X  court-Y  body
GET    /feeds/{feed_secret}.ics                          200  200   200      200      200      200      200
GET    /feeds/?token={feed_secret}                       200  200   200      200      200      200      200
GET    /feeds/{revoked_feed_secret}.ics                  404  404   404      404      404      404      404
GET    /feeds/{unknown_secret}.ics                       404  404   404      404      404      404      404
GET    /feeds/?token={unknown_secret}                    404  404   404      404      404      404      404
GET    /feeds/                                           404  404   404      404      404      404      404
GET    /healthz                                          200  200   200      200      200      200      200
GET    /readyz                                           200  200   200      200      200      200      200
GET    /sign-in/                                         200  302   302      302      302      302      302
POST   /sign-in/                                         200  302   302      302      302      302      302      wrong_password
GET    /sign-out/                                        405  405   405      405      405      405      405
POST   /sign-out/                                        302  302   302      302      302      302      302      empty
GET    /admin/login/                                     200  200   200      200      200      200      200
POST   /admin/login/                                     200  200   200      200      200      200      200      wrong_password
GET    /w/{witness_link}/                                200  200   200      200      200      200      200
POST   /w/{witness_link}/                                302  302   302      302      302      302      302      attend
GET    /w/{expired_witness_link}/                        404  404   404      404      404      404      404
GET    /w/{unknown_secret}/                              404  404   404      404      404      404      404
POST   /w/{unknown_secret}/                              404  404   404      404      404      404      404      attend
GET    /w/{witness_link}/calendar.ics                    200  200   200      200      200      200      200
POST   /w/{witness_link}/calendar.ics                    405  405   405      405      405      405      405      attend
GET    /w/{expired_witness_link}/calendar.ics            404  404   404      404      404      404      404
GET    /w/{unknown_secret}/calendar.ics                  404  404   404      404      404      404      404
POST   /webhooks/twilio/status/?message={message}        403  403   403      403      403      403      403      receipt_unsigned
POST   /webhooks/twilio/status/?message={message}        403  403   403      403      403      403      403      receipt_forged
POST   /webhooks/twilio/status/?message={message}        204  204   204      204      204      204      204      receipt_signed
GET    /webhooks/twilio/status/                          405  405   405      405      405      405      405
POST   /webhooks/twilio/inbound/                         403  403   403      403      403      403      403      text_unsigned
POST   /webhooks/twilio/inbound/                         403  403   403      403      403      403      403      text_forged
POST   /webhooks/twilio/inbound/                         200  200   200      200      200      200      200      text_signed
"""  # noqa: E501 (a table: one line per endpoint, one column per role)


# fmt: on

# Cases that fail today because of a bug in the app, with the bug they show: (method, path,
# role or "*") -> bug. Strict, so each one turns red the moment the bug is fixed (then delete
# its line here).
CSRF_404 = (
    "Bug: a POST, PATCH or DELETE to an unknown /api/ path gets Django's CSRF 403 HTML page, "
    "not a 404 in the error shape (core/errors.py: json_404 is not csrf_exempt)"
)
CSV_ERRORS = (
    "Bug: with format=csv the hours-saved report renders its errors as CSV, not the JSON "
    "error shape (reports/api.py HoursSavedView, reports/renderers.py)"
)
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}
