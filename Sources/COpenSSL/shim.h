#ifndef DEALSTORE_COPENSSL_SHIM_H
#define DEALSTORE_COPENSSL_SHIM_H
// The system's OpenSSL (libssl-dev), imported as-is.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/evp.h>
#include <openssl/bio.h>
#include <openssl/rand.h>
#include <openssl/opensslv.h>
#endif
