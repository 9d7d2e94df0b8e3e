test_guest_answer_checks_SOURCES := tests/guest/answer_checks.c
