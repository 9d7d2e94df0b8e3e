test_policy_parser_SOURCES := policy/policy_parser.c
