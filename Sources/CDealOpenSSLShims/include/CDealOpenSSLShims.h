#ifndef DEALSTORE_CDEALOPENSSLSHIMS_H
#define DEALSTORE_CDEALOPENSSLSHIMS_H
// Functions for OpenSSL's function-like macros, which Swift cannot import. Nothing else belongs here.
#include <openssl/ssl.h>
#include <openssl/bio.h>

long CDealOpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
long CDealOpenSSL_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long CDealOpenSSL_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long CDealOpenSSL_SSL_set_mode(SSL *ssl, long mode);
long CDealOpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name);
long CDealOpenSSL_BIO_get_mem_ptr(BIO *bio, BUF_MEM **pp);
long CDealOpenSSL_BIO_set_mem_eof_return(BIO *bio, long value);
long CDealOpenSSL_BIO_pending(BIO *bio);
uint64_t CDealOpenSSL_SSL_OP_NO_RENEGOTIATION(void);
#endif
