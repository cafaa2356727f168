package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tlsSetup is what the TLS flags produce: the certificate mockhub serves,
// and, for a generated one, the PEM file that clients trust.
type tlsSetup struct {
	cert tls.Certificate
	leaf *x509.Certificate
	// caFile is the absolute path of the written certificate, empty for
	// -tls-cert.
	caFile string
}

// fingerprint is the SHA-256 of the certificate in the form `openssl x509
// -noout -fingerprint -sha256` prints: colon-separated uppercase hex.
func (s *tlsSetup) fingerprint() string {
	sum := sha256.Sum256(s.leaf.Raw)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// config is the server's TLS configuration.
func (s *tlsSetup) config() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{s.cert}}
}

// urlHost is the host clients should use for a listener on host: host
// itself when the certificate covers it, else the certificate's first name.
// A listener on every interface ("0.0.0.0", "::") never matches.
func (s *tlsSetup) urlHost(host string) string {
	if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
		if s.leaf.VerifyHostname(host) == nil {
			return host
		}
	}
	if len(s.leaf.DNSNames) > 0 {
		return s.leaf.DNSNames[0]
	}
	if len(s.leaf.IPAddresses) > 0 {
		return s.leaf.IPAddresses[0].String()
	}
	return host
}

// loadTLS turns the TLS flags into a tlsSetup, nil when TLS is off.
// -tls-cert and -tls-key load a key pair; -tls-names generates a
// self-signed certificate for those names and writes it to caOut.
func loadTLS(certFile, keyFile, names, caOut string, now time.Time) (*tlsSetup, error) {
	switch {
	case certFile == "" && keyFile == "" && names == "":
		if caOut != "" {
			return nil, errors.New("-tls-ca-out needs -tls-names")
		}
		return nil, nil
	case names != "" && (certFile != "" || keyFile != ""):
		return nil, errors.New("-tls-names generates a certificate: use it or -tls-cert/-tls-key, not both")
	case names != "":
		return generateTLS(strings.Split(names, ","), caOut, now)
	case certFile == "" || keyFile == "":
		return nil, errors.New("-tls-cert and -tls-key go together")
	case caOut != "":
		return nil, errors.New("-tls-ca-out needs -tls-names (with -tls-cert, clients trust your certificate's issuer)")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("-tls-cert/-tls-key: %w", err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("-tls-cert: %w", err)
	}
	return &tlsSetup{cert: cert, leaf: leaf}, nil
}

// generateTLS makes a self-signed ECDSA P-256 certificate valid for names
// (host names or IP addresses) for a year, and writes it as PEM to caOut,
// the file a client trusts it through (SSL_CERT_FILE for the provider). It
// is its own CA, so that the file is all a client needs. The key stays in
// memory: every start makes a new one.
func generateTLS(names []string, caOut string, now time.Time) (*tlsSetup, error) {
	if caOut == "" {
		caOut = "mockhub-ca.pem"
	}
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "mockhub", Organization: []string{"mockhub (self-signed)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch ip := net.ParseIP(n); {
		case n == "":
			return nil, errors.New("-tls-names: an empty name")
		case ip != nil:
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		case strings.ContainsAny(n, ":/ "):
			return nil, fmt.Errorf("-tls-names: %q is neither a host name nor an IP address", n)
		default:
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	if len(tmpl.DNSNames) > 0 {
		tmpl.Subject.CommonName = tmpl.DNSNames[0]
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("generating the certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(caOut)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(abs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})); err != nil {
		return nil, fmt.Errorf("-tls-ca-out: %w", err)
	}
	return &tlsSetup{
		cert:   tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		leaf:   leaf,
		caFile: abs,
	}, nil
}

// writeFileAtomic replaces path with data, so that a client reading the
// file never sees half a certificate.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(f.Name(), 0o644)); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return nil
}
