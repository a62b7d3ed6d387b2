#!/bin/bash
# make_test_certs.sh DIR: throw-away certificates for the TLS tests, made
# with the openssl command at test time (EC P-256 keys, valid two days):
#   ca.pem/ca.key          a test CA
#   server.pem/server.key  signed by it, for DNS:localhost, IP:127.0.0.1, IP:::1
#   wrong.pem/wrong.key    signed by it, for DNS:wrong.example only
#   self.pem/self.key      self-signed, for DNS:localhost, IP:127.0.0.1
#   other-ca.pem           a CA that signed nothing here
#   hashed/                ca.pem in a directory for SSL_CApath (openssl rehash)
# and NAME.sha256 / NAME.sha1: the SubjectPublicKeyInfo digest of each
# certificate's key, computed as interimap(1) shows for SSL_fingerprint.
set -euo pipefail
dir=${1:?usage: make_test_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"

# No system openssl.cnf: only the extensions given here.
cat > req.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CNF

# new_cert NAME SUBJECT EXTENSIONS... [-- SIGNER]: a key and a certificate.
new_cert() {
    local name=$1 subject=$2; shift 2
    local args=() signer=""
    while [ $# -gt 0 ]; do
        if [ "$1" = -- ]; then signer=$2; break; fi
        args+=(-addext "$1"); shift
    done
    openssl req -x509 -config req.cnf -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -days 2 -subj "$subject" -keyout "$name.key" -out "$name.pem" \
        ${signer:+-CA "$signer.pem" -CAkey "$signer.key"} "${args[@]}" 2>/dev/null
    for algo in sha256 sha1; do
        openssl x509 -in "$name.pem" -pubkey -noout | openssl pkey -pubin -outform DER |
            openssl dgst "-$algo" -r | cut -d' ' -f1 > "$name.$algo"
    done
}

ca_ext=("basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign")
leaf_ext=("basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth")
new_cert ca "/CN=interimap test CA" "${ca_ext[@]}"
new_cert other-ca "/CN=another test CA" "${ca_ext[@]}"
new_cert server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    "${leaf_ext[@]}" -- ca
new_cert wrong "/CN=wrong.example" "subjectAltName=DNS:wrong.example" "${leaf_ext[@]}" -- ca
new_cert self "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1" "${leaf_ext[@]}"
mkdir -p hashed
cp ca.pem hashed/
openssl rehash hashed 2>/dev/null
rm -f req.cnf
