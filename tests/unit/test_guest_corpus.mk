test_guest_corpus_SOURCES := tests/guest/malformed_corpus.c
