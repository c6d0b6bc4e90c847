#!/usr/bin/env bash
# Run the role and the module with -vvv --diff, through a key change, a refused key change and a
# validation error, then search the whole output for every secret: there must be no hit.
set -eu
work="${OUTPUT_DIR:?}/secrets_output"
rm -rf "$work" && mkdir -p "$work/keys"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=gofer.test \
  -keyout "$work/keys/events.key" -out "$work/keys/events.crt" 2>/dev/null

export ANSIBLE_NOCOLOR=1
set +e
ansible-playbook -i ../../inventory -e "work=$work" -vvv --diff playbook.yml > "$work/run.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then tail -50 "$work/run.log"; echo "playbook failed: $rc"; exit 1; fi

secrets=(
  "0123456789abcdef0123456789abcdef"        # the first key
  "fedcba9876543210fedcba9876543210"        # the replacement key
  "0123456789ABCDEF0123456789ABCDEF"        # refused: the secret store exists
  "ThirtyThreeBytesLongKeyThatFails!"        # refused by validation
  "tok-9f8e7d6c5b4a"                         # an operator-marked secret in server.url
  "DottedFormKey0000000000000000000"         # keys written in every form TOML allows
  "InlineTableKey000000000000000000"
  "QuotedNameKey0000000000000000000"
  "EscapedFormKey000000000000000000"         # also as written: \u0045scaped...
  "u0045scapedFormKey"
  "MultiLineFormKey0000000000000000"
  "WrongShapeSecret000000000000000"          # a value at a secret's place, of the wrong shape
  "MalformedHeaderKeyBodySECRET0123456789"   # the body of a private key whose PEM header is malformed
)
# Every line of the private key's body.
while IFS= read -r line; do secrets+=("$line"); done < <(grep -v -- '-----' "$work/keys/events.key")

hits=0
for s in "${secrets[@]}"; do
  n=$(grep -cF -- "$s" "$work/run.log" || true)
  if [ "$n" -ne 0 ]; then echo "LEAK: a secret appears $n times in the -vvv --diff output"; hits=$((hits + n)); fi
  if ls -a "$work/target/etc/gofer" | grep -qF -- "$s"; then echo "LEAK: a secret in a backup name"; hits=$((hits + 1)); fi
done
lines=$(wc -l < "$work/run.log")
[ "$lines" -gt 500 ] || { echo "the -vvv output is suspiciously short ($lines lines)"; exit 1; }
grep -q 'encryption_key = "\*\*\*\*\*\*\*\*"' "$work/run.log" || { echo "no masked diff in the output"; exit 1; }

stat -c '%a %U %G %n' "$work/target/etc/gofer/gofer_web.toml" "$work/target/etc/gofer/tls/events.key" > "$work/modes"
grep -q "^640 root nogroup " "$work/modes" || { cat "$work/modes"; echo "config mode/owner wrong"; exit 1; }
grep -q "^600 nobody nogroup .*events.key" "$work/modes" || { cat "$work/modes"; echo "key mode/owner wrong"; exit 1; }

records="$OUTPUT_DIR/../../reliability"  # tests/output/reliability, read by tools/reliability.py
mkdir -p "$records"
printf '{"suite": "secrets_output", "secrets": %d, "output_lines": %d, "hits": %d}\n' \
  "${#secrets[@]}" "$lines" "$hits" > "$records/secrets_output.json"
echo "searched $lines lines of -vvv --diff output for ${#secrets[@]} secrets: $hits hits"
[ "$hits" -eq 0 ]
