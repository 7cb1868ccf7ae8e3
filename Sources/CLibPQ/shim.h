#ifndef DEALSTORE_CLIBPQ_SHIM_H
#define DEALSTORE_CLIBPQ_SHIM_H
// The system's libpq (libpq-dev): the PostgreSQL project's own client, linked against the system OpenSSL.
#include <libpq-fe.h>
#endif
