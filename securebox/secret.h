/* The test secret (include/sbx/secret_pattern.h): a page that exists only in
 * securebox memory, for attack tests to look for from the commodity OS. */
#ifndef SBX_SECUREBOX_SECRET_H
#define SBX_SECUREBOX_SECRET_H

/* Computes the secret page. Called once, before the first request. */
void secret_generate(void);

#endif
