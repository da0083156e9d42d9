#!/usr/bin/env bash
# Commits the state file after an apply and pushes it to the branch the workflow runs on,
# rebasing onto whatever was pushed meanwhile (up to 5 tries). Used by the apply workflows.
#   STATE_FILE  the state file to commit (only it: never the journal or the lock)
#   BRANCH      the branch to push to
#   LABEL       optional, names the environment in the commit message
#   PUSH_RETRY_DELAY  optional, seconds before the first retry (grows linearly; default 3)
set -euo pipefail
: "${STATE_FILE:?}" "${BRANCH:?}"

if [ ! -f "$STATE_FILE" ]; then
  echo "No $STATE_FILE: nothing was applied."
  exit 0
fi
git add -- "$STATE_FILE"
if git diff --cached --quiet; then
  echo "$STATE_FILE did not change."
  exit 0
fi

run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git commit --quiet -m "biot-subs: ${LABEL:+$LABEL }state after $GITHUB_WORKFLOW run $GITHUB_RUN_NUMBER" -m "$run_url"

for attempt in 1 2 3 4 5; do
  if git push origin "HEAD:$BRANCH"; then
    exit 0
  fi
  echo "Push refused (attempt $attempt of 5): rebasing onto origin/$BRANCH."
  sleep $((attempt * ${PUSH_RETRY_DELAY:-3}))
  if ! git pull --rebase origin "$BRANCH"; then
    git rebase --abort || true
    echo "::error::Cannot rebase the state commit onto $BRANCH: $STATE_FILE was changed there too. Run the apply again: it converges."
    exit 1
  fi
done
echo "::error::Could not push $STATE_FILE after 5 attempts; run the apply again to record the state."
exit 1
