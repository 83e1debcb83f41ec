#!/usr/bin/env bash
# Runs `tandem -p` once per line of a prompts file and collects, for each, the JSON result and the session's
# transcript (JSONL, docs/transcript-format.md) under OUT_DIR/N/. Extra arguments go to every tandem run.
#   docs/ci/run-matrix.sh prompts.txt out --max-turns 40 --allowedTools "Bash(npm test:*) Read"
# Exit status: 0 when every run succeeded (status 0, or 3: finished with some tool calls denied), else 1.
set -u
prompts=$1 out=$2
shift 2
home=${TANDEM_HOME:-$HOME/.tandem}
failed=0 n=0
while IFS= read -r prompt || [ -n "$prompt" ]; do
  [ -z "$prompt" ] && continue
  n=$((n + 1))
  mkdir -p "$out/$n"
  printf '%s\n' "$prompt" > "$out/$n/prompt.txt"
  tandem -p "$prompt" --output-format json "$@" > "$out/$n/result.json" 2> "$out/$n/stderr.txt" < /dev/null
  status=$?
  echo "$status" > "$out/$n/status"
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then failed=1; fi
  id=$(sed -n 's/.*"session_id":"\([^"]*\)".*/\1/p' "$out/$n/result.json")
  if [ -n "$id" ]; then find "$home/projects" -name "$id.jsonl" -exec cp {} "$out/$n/transcript.jsonl" \; ; fi
  echo "run $n: exit $status${id:+, session $id}"
done < "$prompts"
exit "$failed"
