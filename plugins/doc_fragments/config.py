# -*- coding: utf-8 -*-
# Copyright (c) 2026, gofer.gofer contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The options gofer.gofer.server_config and gofer.gofer.server_config_info share: how a config is validated."""

    DOCUMENTATION = r"""
options:
  gofer_version:
    description:
      - The Gofer server version whose schema the config is validated against, as a release line (V(0.9)), a
        release of one (V(0.9.1), the form the role's C(gofer_version) takes), or V(latest).
      - Supported release lines are V(0.7) (v0.7.0 to v0.7.3), V(0.8) (v0.8.0 to v0.8.4; v0.8.0 to v0.8.3 still
        read C(api.pipeline_version_retention), C(server.url) and C(server.storage_results_limit), so give the
        release), V(0.9) (v0.9.0 and v0.9.1) and V(latest) (Gofer's untagged main branch after v0.9.1). A line alone
        means its newest release. Any other value fails the task before the host is touched.
      - M(gofer.gofer.server_config) records the release beside the config, in its record (see
        O(gofer.gofer.server_config#module:accept_secret_store_data_loss)), so that the next run knows which release
        the config and the database were written for; M(gofer.gofer.server_config_info) reports it.
    type: str
    default: '0.7'
  allow_insecure:
    description:
      - Accept settings that make Gofer insecure or serve Gofer's embedded, public and expired localhost
        certificate. These are C(development.bypass_auth) or C(development.use_included_certs) effectively true
        (set, or left out and inherited from Gofer's defaults), C(server.use_tls = true), and
        C(external_events.use_tls = true) together with C(server.use_tls = true).
      - With V(false), each of them is an error. With V(true), they are reported as warnings.
      - Meant for development hosts only.
    type: bool
    default: false
  secret_values:
    description:
      - More values to mask as C(********) wherever they would appear in the task's output, results and diffs,
        for example a value of the config that the operator considers secret.
      - The encryption key is always masked, and so are the private keys that
        O(gofer.gofer.server_config#module:tls_src) gives.
    type: list
    elements: str
    default: []
"""
