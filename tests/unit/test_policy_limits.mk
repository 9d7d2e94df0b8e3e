test_policy_limits_SOURCES := hv/policy_limits.c policy/policy_parser.c
