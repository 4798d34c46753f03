#!/usr/bin/env bash
# A private certificate authority for the TLS client-certificate tests, made with openssl
# in DIR: ca.pem (the CA), server.pem/server.key (127.0.0.1, ::1, localhost), and for each
# NAME:OU given, NAME.pem/NAME.key, a client certificate with CN=NAME and that OU.
# `revoke DIR NAME` revokes NAME.pem and writes the revocation list DIR/ca.crl (PEM).
# `foreign DIR NAME OU` makes NAME.pem/NAME.key signed by another CA, which DIR's CA
# does not know. `client DIR NAME OU` adds one more client certificate of DIR's CA.
# Every certificate lasts 30 days. PKI_CA_NAME: the CA's CN (default "Warden test CA").
# Usage: Tests/clients/test-pki.sh make DIR NAME:OU...
#        Tests/clients/test-pki.sh client DIR NAME OU
#        Tests/clients/test-pki.sh revoke DIR NAME
#        Tests/clients/test-pki.sh foreign DIR NAME OU
set -euo pipefail
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 2 ] || { usage >&2; exit 64; }
action="$1" dir="$2"
shift 2

ca_config() {
    cat >"$dir/ca.cnf" <<CNF
[ ca ]
default_ca = test
[ test ]
dir = $dir
database = $dir/index.txt
new_certs_dir = $dir/issued
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = any_name
preserve = yes
unique_subject = no
[ any_name ]
organizationalUnitName = optional
commonName = supplied
CNF
}

# sign NAME SUBJECT EXTENSIONS: a key and a certificate signed by DIR's CA.
sign() {
    openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$1.key" -out "$dir/$1.csr" -subj "$2" 2>/dev/null
    printf '%s\n' "$3" >"$dir/$1.ext"
    openssl ca -batch -notext -config "$dir/ca.cnf" -in "$dir/$1.csr" -out "$dir/$1.pem" -extfile "$dir/$1.ext" 2>/dev/null
}

crl() { openssl ca -config "$dir/ca.cnf" -gencrl -out "$dir/ca.crl" 2>/dev/null; }

case "$action" in
    make)
        mkdir -p "$dir/issued"
        dir="$(cd "$dir" && pwd)"
        : >"$dir/index.txt"
        echo 1000 >"$dir/serial"
        echo 1000 >"$dir/crlnumber"
        ca_config
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 \
            -subj "/CN=${PKI_CA_NAME:-Warden test CA}" 2>/dev/null
        sign server "/CN=localhost" "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
extendedKeyUsage=serverAuth"
        for client in "$@"; do
            sign "${client%%:*}" "/OU=${client#*:}/CN=${client%%:*}" "extendedKeyUsage=clientAuth"
        done
        crl
        ;;
    client)
        dir="$(cd "$dir" && pwd)"
        sign "$1" "/OU=$2/CN=$1" "extendedKeyUsage=clientAuth"
        ;;
    revoke)
        dir="$(cd "$dir" && pwd)"
        openssl ca -config "$dir/ca.cnf" -revoke "$dir/$1.pem" 2>/dev/null
        crl
        ;;
    foreign)
        dir="$(cd "$dir" && pwd)"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/foreign-ca.key" -out "$dir/foreign-ca.pem" -days 30 \
            -subj "/CN=Another CA" 2>/dev/null
        openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$1.key" -out "$dir/$1.csr" -subj "/OU=$2/CN=$1" 2>/dev/null
        openssl x509 -req -in "$dir/$1.csr" -CA "$dir/foreign-ca.pem" -CAkey "$dir/foreign-ca.key" -CAcreateserial \
            -out "$dir/$1.pem" -days 30 2>/dev/null
        ;;
    *) usage >&2; exit 64 ;;
esac
