#!/usr/bin/env bash
# Issues production TLS certificates for dealsd with the openssl command-line tool.
#
# A server certificate for the given DNS names and IP addresses (subjectAltNames), and client certificates for
# mutual TLS, signed by an existing CA (--ca-cert/--ca-key) or by a new CA created in the output directory.
# Keys are ECDSA P-256 unless --key-type says otherwise, and are created with mode 0600 (umask 077).
# Run with --help for the options; Deploy/INSTALL.md shows it in context.
set -euo pipefail
umask 077

program=$(basename "$0")

usage() {
    cat <<EOF
Usage: $program --out DIR [--dns NAME]... [--ip ADDRESS]... [--client NAME]...
                [--ca-cert FILE --ca-key FILE] [options]

Issues certificates for dealsd. Without --ca-cert/--ca-key a new CA is created in DIR (ca.pem, ca-key.pem);
keep ca-key.pem offline, it is only needed to issue more certificates.

Writes into DIR:
  ca.pem                      the CA certificate (a copy, with an existing CA): trust it on clients
  ca-key.pem                  the CA private key (new CA only)
  server.pem, server-key.pem  the server certificate (with --dns/--ip): tls.certificate, tls.private_key
  client-NAME.pem, client-NAME-key.pem
                              a client certificate (CN=NAME, per --client): map it with
                              auth.certificate_roles: {"cn:NAME": read}

Options:
  --out DIR            output directory (created with mode 0700 if missing)
  --dns NAME           a DNS subjectAltName of the server certificate; repeat, or separate with commas
  --ip ADDRESS         an IP subjectAltName (IPv4 or IPv6) of the server certificate; repeat or use commas
  --client NAME        issue a client certificate with subject CN=NAME; repeat for more
  --ca-cert FILE       sign with this existing CA certificate (PEM) ...
  --ca-key FILE        ... and its private key (PEM)
  --ca-name NAME       subject CN of a new CA (default "DealStore CA")
  --server-name NAME   subject CN of the server certificate (default: the first --dns, else the first --ip)
  --days N             validity of the server and client certificates in days (default 397)
  --ca-days N          validity of a new CA in days (default 3650)
  --key-type TYPE      ec (ECDSA P-256, the default), ec-p384 (ECDSA P-384) or rsa (RSA 3072)
  --force              replace existing files in DIR (otherwise the script refuses to overwrite)
  -h, --help           this help

Examples:
  $program --out /etc/dealstore/tls --dns deals.example.com --ip 10.0.0.5 --client reporting
  $program --out ./more --ca-cert /etc/dealstore/tls/ca.pem --ca-key ./ca-key.pem --client etl
EOF
}

fail() {
    echo "$program: $*" >&2
    exit 1
}

out=""
ca_cert=""
ca_key=""
ca_name="DealStore CA"
server_name=""
days=397
ca_days=3650
key_type="ec"
force=0
dns_names=()
ip_addresses=()
clients=()

need_value() {
    [[ $# -ge 2 && -n "$2" ]] || fail "$1 needs a value (see --help)"
}

split_commas() {
    local IFS=,
    # shellcheck disable=SC2206
    split_result=($1)
}

while [[ $# -gt 0 ]]; do
    case "$1" in
    --out) need_value "$@"; out=$2; shift 2 ;;
    --dns) need_value "$@"; split_commas "$2"; dns_names+=("${split_result[@]}"); shift 2 ;;
    --ip) need_value "$@"; split_commas "$2"; ip_addresses+=("${split_result[@]}"); shift 2 ;;
    --client) need_value "$@"; clients+=("$2"); shift 2 ;;
    --ca-cert) need_value "$@"; ca_cert=$2; shift 2 ;;
    --ca-key) need_value "$@"; ca_key=$2; shift 2 ;;
    --ca-name) need_value "$@"; ca_name=$2; shift 2 ;;
    --server-name) need_value "$@"; server_name=$2; shift 2 ;;
    --days) need_value "$@"; days=$2; shift 2 ;;
    --ca-days) need_value "$@"; ca_days=$2; shift 2 ;;
    --key-type) need_value "$@"; key_type=$2; shift 2 ;;
    --force) force=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown argument \"$1\" (see --help)" ;;
    esac
done

# MARK: Validate the arguments before touching anything.

command -v openssl >/dev/null 2>&1 || fail "the openssl command is not installed"
[[ -n "$out" ]] || fail "--out DIR is required (see --help)"
[[ "$days" =~ ^[1-9][0-9]*$ ]] || fail "--days must be a positive number of days, not \"$days\""
[[ "$ca_days" =~ ^[1-9][0-9]*$ ]] || fail "--ca-days must be a positive number of days, not \"$ca_days\""
if [[ -n "$ca_cert" || -n "$ca_key" ]]; then
    [[ -n "$ca_cert" && -n "$ca_key" ]] || fail "--ca-cert and --ca-key go together"
    [[ -r "$ca_cert" ]] || fail "cannot read the CA certificate $ca_cert"
    [[ -r "$ca_key" ]] || fail "cannot read the CA key $ca_key"
    openssl x509 -in "$ca_cert" -noout 2>/dev/null || fail "$ca_cert is not a PEM certificate"
    cert_pub=$(openssl x509 -in "$ca_cert" -noout -pubkey)
    key_pub=$(openssl pkey -in "$ca_key" -pubout 2>/dev/null) || fail "$ca_key is not a PEM private key"
    [[ "$cert_pub" == "$key_pub" ]] || fail "$ca_key is not the private key of $ca_cert"
    openssl x509 -in "$ca_cert" -noout -ext basicConstraints 2>/dev/null | grep -q "CA:TRUE" ||
        fail "$ca_cert is not a CA certificate (basicConstraints CA:TRUE is missing)"
fi
if [[ ${#dns_names[@]} -eq 0 && ${#ip_addresses[@]} -eq 0 && ${#clients[@]} -eq 0 ]]; then
    fail "nothing to issue: give --dns/--ip for a server certificate and/or --client NAME"
fi
for name in "${dns_names[@]}"; do
    [[ "$name" =~ ^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$ ]] ||
        fail "--dns \"$name\" is not a DNS name"
done
for address in "${ip_addresses[@]}"; do
    [[ "$address" =~ ^[0-9A-Fa-f.:]+$ && "$address" =~ [.:] ]] || fail "--ip \"$address\" is not an IP address"
done
for name in "${clients[@]}"; do
    [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._@-]*$ ]] ||
        fail "--client \"$name\" may use only letters, digits and . _ @ - (it names files and the subject CN)"
done
for name in "$ca_name" "$server_name"; do
    [[ "$name" != *[/\\$'\n']* ]] || fail "names may not contain / \\ or newlines: \"$name\""
done

case "$key_type" in
ec | ec-p256) key_args=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256) key_usage="digitalSignature" ;;
ec-p384) key_args=(-algorithm EC -pkeyopt ec_paramgen_curve:P-384) key_usage="digitalSignature" ;;
rsa) key_args=(-algorithm RSA -pkeyopt rsa_keygen_bits:3072) key_usage="digitalSignature,keyEncipherment" ;;
*) fail "--key-type must be ec, ec-p384 or rsa, not \"$key_type\"" ;;
esac

if [[ -z "$server_name" ]]; then
    if [[ ${#dns_names[@]} -gt 0 ]]; then
        server_name=${dns_names[0]}
    elif [[ ${#ip_addresses[@]} -gt 0 ]]; then
        server_name=${ip_addresses[0]}
    fi
fi

# MARK: Plan the output files and refuse to overwrite any of them without --force.

mkdir -p "$out"
chmod 0700 "$out"
# With an existing CA, ca.pem in DIR is a copy of it, unless --ca-cert is that very file.
copy_ca=1
if [[ -n "$ca_cert" && "$(realpath -m "$ca_cert")" == "$(realpath -m "$out/ca.pem")" ]]; then
    copy_ca=0
fi
planned=()
[[ $copy_ca -eq 1 ]] && planned+=("$out/ca.pem")
[[ -z "$ca_cert" ]] && planned+=("$out/ca-key.pem")
if [[ -n "$server_name" ]]; then
    planned+=("$out/server.pem" "$out/server-key.pem")
fi
for name in "${clients[@]}"; do
    planned+=("$out/client-$name.pem" "$out/client-$name-key.pem")
done
if [[ $force -eq 0 ]]; then
    for file in "${planned[@]}"; do
        [[ ! -e "$file" ]] || fail "$file exists; use another --out or --force to replace it"
    done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dealstore-certs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Writes a new private key (mode 0600 from the umask, and chmod in case the file existed).
new_key() {
    rm -f "$1"
    openssl genpkey "${key_args[@]}" -out "$1" 2>"$work/openssl.err" ||
        fail "openssl genpkey failed: $(cat "$work/openssl.err")"
    chmod 0600 "$1"
}

# A random positive 128-bit serial number.
serial() {
    echo "0x7$(openssl rand -hex 15)"
}

# MARK: The CA.

if [[ -n "$ca_cert" ]]; then
    signing_cert=$ca_cert
    signing_key=$ca_key
    if [[ $copy_ca -eq 1 ]]; then
        rm -f "$out/ca.pem"
        cp "$ca_cert" "$out/ca.pem"
        chmod 0644 "$out/ca.pem"
    fi
else
    new_key "$out/ca-key.pem"
    cat >"$work/ca.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
x509_extensions = ca_ext
[dn]
CN = $ca_name
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
    openssl req -new -x509 -config "$work/ca.cnf" -key "$out/ca-key.pem" -sha256 -days "$ca_days" \
        -set_serial "$(serial)" -out "$out/ca.pem" 2>"$work/openssl.err" ||
        fail "creating the CA failed: $(cat "$work/openssl.err")"
    chmod 0644 "$out/ca.pem"
    signing_cert=$out/ca.pem
    signing_key=$out/ca-key.pem
fi

# An intermediate CA's certificate goes into the server's chain; a root is only needed by clients.
chain_extra=""
if [[ "$(openssl x509 -in "$signing_cert" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" != \
    "$(openssl x509 -in "$signing_cert" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')" ]]; then
    chain_extra=$signing_cert
fi

# issue NAME-FOR-FILES SUBJECT-CN EXTENDED-KEY-USAGE SUBJECT-ALT-NAMES
issue() {
    local base=$1 common_name=$2 usage=$3 alt_names=$4
    new_key "$out/$base-key.pem"
    {
        echo "[req]"
        echo "distinguished_name = dn"
        echo "prompt = no"
        echo "[dn]"
        echo "CN = $common_name"
        echo "[leaf]"
        echo "basicConstraints = critical, CA:FALSE"
        echo "keyUsage = critical, $key_usage"
        echo "extendedKeyUsage = $usage"
        echo "subjectKeyIdentifier = hash"
        echo "authorityKeyIdentifier = keyid"
        if [[ -n "$alt_names" ]]; then
            echo "subjectAltName = $alt_names"
        fi
    } >"$work/$base.cnf"
    openssl req -new -config "$work/$base.cnf" -key "$out/$base-key.pem" -out "$work/$base.csr" \
        2>"$work/openssl.err" || fail "creating the request for $base failed: $(cat "$work/openssl.err")"
    openssl x509 -req -in "$work/$base.csr" -CA "$signing_cert" -CAkey "$signing_key" -set_serial "$(serial)" \
        -sha256 -days "$days" -extfile "$work/$base.cnf" -extensions leaf -out "$work/$base.pem" \
        2>"$work/openssl.err" || fail "signing $base failed: $(cat "$work/openssl.err")"
    openssl verify -CAfile "$signing_cert" "$work/$base.pem" >/dev/null 2>&1 ||
        [[ -n "$chain_extra" ]] || fail "the new $base certificate does not verify against $signing_cert"
    if [[ -n "$chain_extra" ]]; then
        cat "$chain_extra" >>"$work/$base.pem"
    fi
    rm -f "$out/$base.pem"
    cp "$work/$base.pem" "$out/$base.pem"
    chmod 0644 "$out/$base.pem"
    echo "  $out/$base.pem  (key $out/$base-key.pem, mode 0600)"
}

echo "Issued with CA $signing_cert:"
if [[ -n "$server_name" ]]; then
    alt_names=""
    for name in "${dns_names[@]}"; do alt_names+="${alt_names:+, }DNS:$name"; done
    for address in "${ip_addresses[@]}"; do alt_names+="${alt_names:+, }IP:$address"; done
    issue server "$server_name" serverAuth "$alt_names"
fi
for name in "${clients[@]}"; do
    issue "client-$name" "$name" clientAuth ""
done
if [[ -z "$ca_cert" ]]; then
    echo "New CA: $out/ca.pem (give it to clients), $out/ca-key.pem (mode 0600: move it somewhere offline)."
fi
