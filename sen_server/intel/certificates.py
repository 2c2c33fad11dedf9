"""Whether an agency's certificate can receive an encrypted export: a PEM X.509 certificate,
valid now, with an RSA key (the PKCS#7 envelope's key transport) whose usage, where the
certificate states one, includes key encipherment and e-mail protection."""

from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID


class CertificateProblem(ValueError):
    """What is wrong with a certificate, in words for the person who pasted it."""


# What cryptography raises for a certificate it cannot read or whose parts it does not know.
UNREADABLE = (ValueError, TypeError, UnsupportedAlgorithm)


def load_certificate(pem: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem.encode("utf-8"))
    except UNREADABLE:
        raise CertificateProblem("is not a PEM X.509 certificate") from None


def encryption_problem(certificate: x509.Certificate, now: datetime) -> str | None:
    """Why the export cannot be encrypted to this certificate now, or None."""
    if certificate.not_valid_after_utc <= now:
        return f"expired on {certificate.not_valid_after_utc:%Y-%m-%d}"
    if certificate.not_valid_before_utc > now:
        return f"is not valid before {certificate.not_valid_before_utc:%Y-%m-%d}"
    if not isinstance(certificate.public_key(), rsa.RSAPublicKey):
        return "must hold an RSA key (S/MIME encryption needs one)"
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.key_encipherment:
            return "is not for encryption (its key usage lacks key encipherment)"
    except x509.ExtensionNotFound:
        pass
    try:
        purposes = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        if not {
            ExtendedKeyUsageOID.EMAIL_PROTECTION,
            ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
        } & set(purposes):
            return "is not for e-mail protection (its extended key usage lacks it)"
    except x509.ExtensionNotFound:
        pass
    return None


def checked_certificate(pem: str, now: datetime) -> x509.Certificate:
    certificate = load_certificate(pem)
    try:
        problem = encryption_problem(certificate, now)
    except UNREADABLE:  # a malformed extension or an unknown key type
        raise CertificateProblem("could not be read in full (malformed or unsupported)") from None
    if problem:
        raise CertificateProblem(problem)
    return certificate
