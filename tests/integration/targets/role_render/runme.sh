#!/usr/bin/env bash
# The effective config renders byte for byte what the role's 0.3.0 template rendered, over the inputs of the other
# tests (a collection upgrade must not restart every Gofer in a fleet), and the override case reaches every step.
set -eu
ansible-playbook -i ../../inventory playbook.yml "$@"
