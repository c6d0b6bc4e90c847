# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which TLS files Gofer v0.7 reads, and checks of certificate/key pairs on the controller.

PRIVATE to the gofer.gofer collection. The pair checks need the cryptography
package, which only the controller has to have.
"""

from __future__ import annotations

import datetime
import re

# Per section: when Gofer reads its tls_cert_path/tls_key_path (docs/gofer-behaviour.md §4), as
# (predicate on the flat effective config, explanation when it does not).
READ_WHEN = {
    'external_events': (
        lambda c: c.get('server.use_tls') is True and c.get('external_events.use_tls') is False,
        'Gofer reads external_events.tls_cert_path and tls_key_path only when server.use_tls is true and '
        'external_events.use_tls is false'),
    'extensions': (
        lambda c: c.get('extensions.use_tls') is True and c.get('development.use_included_certs') is False,
        'Gofer reads extensions.tls_cert_path and tls_key_path only when extensions.use_tls is true and '
        'development.use_included_certs is false'),
}
PARTS = {'cert': 'tls_cert_path', 'key': 'tls_key_path'}


def files_read(effective):
    """{section: {'cert': path, 'key': path}} for the TLS files Gofer reads with this config."""
    out = {}
    for section, (reads, _why) in READ_WHEN.items():
        if reads(effective):
            out[section] = {part: effective.get('%s.%s' % (section, key)) for part, key in PARTS.items()}
    return out


class PairError(Exception):
    """A certificate/key problem; the message names the source and never holds key material."""


def check_pair(cert_pem, key_pem, cert_name, key_name, now=None):
    """Check a PEM certificate chain and a PKCS#8 PEM key; return a list of warnings.

    Raises PairError for what Gofer's TLS loader would refuse.
    """
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        raise PairError('checking TLS sources needs the Python package "cryptography" on the controller; '
                        'install it (pip install cryptography).')
    try:
        certs = x509.load_pem_x509_certificates(cert_pem)
    except ValueError:
        raise PairError('%s is not a PEM certificate (-----BEGIN CERTIFICATE-----).' % cert_name)
    blocks = key_pem.count(b'-----BEGIN ')
    if b'-----BEGIN PRIVATE KEY-----' not in key_pem or blocks != 1:
        # rustls_pemfile::pkcs8_private_keys reads only unencrypted PKCS#8 (docs/gofer-behaviour.md §4).
        # Never quote what the file holds: a malformed header runs on into the key material itself.
        labels = re.findall(rb'-----BEGIN ([A-Z0-9 ]{1,40})-----', key_pem)
        if labels:
            found = '"BEGIN %s"%s' % (labels[0].decode('ascii'),
                                      ' and %d more PEM blocks' % (blocks - 1) if blocks > 1 else '')
        elif blocks:
            found = 'a PEM header that is not well-formed (its content is not shown)'
        else:
            found = 'no PEM block'
        raise PairError('%s must hold exactly one unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----), the '
                        'only form Gofer\'s TLS loader reads; found %s. Convert it with '
                        '"openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW".' % (key_name, found))
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError):
        raise PairError('%s could not be loaded as a private key.' % key_name)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if key.public_key().public_bytes(der, spki) != certs[0].public_key().public_bytes(der, spki):
        raise PairError('%s does not match the certificate %s (their public keys differ); Gofer\'s TLS setup '
                        'cannot use such a pair.' % (key_name, cert_name))
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_after = certs[0].not_valid_after_utc
    warnings = []
    if not_after < now:
        warnings.append('%s expired on %s; clients will refuse it.' % (cert_name, not_after.date().isoformat()))
    return warnings
