test_policy_format_SOURCES := policy/policy_parser.c policy/policy_format.c
