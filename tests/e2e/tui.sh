#!/usr/bin/env bash
# End-to-end: the real binary inside tmux on the fetched 5-celebrity photos
# with one seeded mislabel. Waits for the scan, opens Review, accepts the
# suggestion, undoes, redoes, quits — checking the folders on disk after
# each step and that the terminal was restored. Then, on Duplicates, a seeded
# exact copy: `a` on it moves nothing, it is marked not a duplicate (gone
# from the list), undone, and resolved by keeping the original (the copy
# goes to the trash). Then a planted folder holding two people is split by
# moving one of its clusters to a new person, undone and redone; the map of
# what is left and the Classifier screen's recall and retrain history show.
# Last, a held-out photo of Madonna in the inbox is filed under the
# classifier's prediction with `a`, undone and redone.
# Usage: tests/e2e/tui.sh PATH/TO/facecurate
set -euo pipefail
bin=$(realpath "${1:?usage: tests/e2e/tui.sh FACECURATE_BINARY}")
command -v tmux >/dev/null || { echo "tmux is required" >&2; exit 2; }
work=$(mktemp -d)
sock="facecurate-e2e-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "e2e FAILED: $*" >&2; echo "--- screen:" >&2; tmux -L "$sock" capture-pane -p -t e2e >&2 || true; exit 1; }

samples=$("$bin" models path celeb5)
cp -r "$samples/train" "$work/ds"
# The seeded mislabel: the first of Madonna's photos (sorted) filed under Elton John.
# (renamed short so the whole name shows in an 120-column table)
first_photo=$(ls "$work/ds/madonna" | sort | head -n 1)
photo=planted.jpg
mv "$work/ds/madonna/$first_photo" "$work/ds/elton_john/$photo"
# The seeded exact copy, named to stand out.
copy_from=$(ls "$work/ds/mindy_kaling" | sort | head -n 1)
cp "$work/ds/mindy_kaling/$copy_from" "$work/ds/madonna/zz_copy.jpg"
# A folder holding two people: the last 7 photos (sorted) of Ben Affleck and
# of Jerry Seinfeld, prefixed so the check can tell whose each one is.
mkdir "$work/ds/two_people"
for who in ben_afflek jerry_seinfeld; do
  for f in $(ls "$work/ds/$who" | sort | tail -n 7); do
    mv "$work/ds/$who/$f" "$work/ds/two_people/${who:0:3}_$f"
  done
done
# A hostile name: an OSC title sequence and ESC colour codes in a truncated
# photo, so the Problems screen must show it; it must show escaped, and
# the pane title must stay what it was.
# The inbox: one of Madonna's photos (the second, sorted) taken out of her folder.
mkdir "$work/ds/_inbox"
inbox_from=$(ls "$work/ds/madonna" | sort | sed -n 2p)
mv "$work/ds/madonna/$inbox_from" "$work/ds/_inbox/inbox_madonna.jpg"
hostile=$(printf 'x\033]0;PWNED\007\033[31mRED.jpg')
head -c 2000 "$work/ds/mindy_kaling/$copy_from" > "$work/ds/ben_afflek/$hostile"
"$bin" -w "$work/workspace.yaml" init "$work/ds" 2>/dev/null

screen() { tmux -L "$sock" capture-pane -p -t e2e; }
wait_for() { # PATTERN SECONDS
  for _ in $(seq 1 $(( $2 * 4 ))); do screen | grep -q -- "$1" && return 0; sleep 0.25; done
  fail "waited $2 s for: $1"
}
wait_file() { # PATH SECONDS
  for _ in $(seq 1 $(( $2 * 4 ))); do [ -e "$1" ] && return 0; sleep 0.25; done
  fail "waited $2 s for the file $1"
}
key() { tmux -L "$sock" send-keys -t e2e "$@"; }
# Ends the session and waits for its server to be gone: a new session
# started while the old server is still exiting fails with "server exited
# unexpectedly".
end_session() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  for _ in $(seq 1 40); do tmux -L "$sock" list-sessions >/dev/null 2>&1 || break; sleep 0.25; done
  sleep 0.2
}

tmux -L "$sock" new-session -d -s e2e -x 120 -y 32 \
  "${FACECURATE_CACHE:+FACECURATE_CACHE='$FACECURATE_CACHE' }'$bin' -w '$work/workspace.yaml'; echo \"EXIT=\$?\"; stty -a | tr ' ' '\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\n' ' '; echo; sleep 60"
wait_for "[0-9][0-9] photos │" 180
title() { tmux -L "$sock" display-message -p -t e2e '#{pane_title}'; }
title_before=$(title)
key BTab
wait_for "┌ Problems ([1-9]" 10
screen | grep -qF 'ben_afflek/x\e]0;PWNED\x07\e[31mRED.jpg' || fail "the hostile name is not shown escaped"
[ "$(title)" = "$title_before" ] || fail "the pane title changed to: $(title)"
echo "hostile name: shown escaped, pane title unchanged ($title_before)"
key Tab
key Tab
wait_for "Review · [1-9][0-9]* flagged" 10
screen | grep -q "$photo" || fail "the injected photo is not on the Review screen"
# Put the cursor on the injected photo, then accept its suggestion.
row=$(screen | grep -n "elton_john/$photo" | head -n 1 | cut -d: -f1)
first=$(screen | grep -n "^│score" | head -n 1 | cut -d: -f1)
for _ in $(seq 1 $(( row - first - 1 ))); do key j; done
screen | grep "elton_john/$photo" | grep -q "→ madonna" || fail "no suggestion to move it to madonna"
key a
wait_file "$work/ds/madonna/$photo" 10
[ ! -e "$work/ds/elton_john/$photo" ] || fail "accept left the photo in elton_john"
echo "accept: moved to madonna"
key u
wait_file "$work/ds/elton_john/$photo" 10
[ ! -e "$work/ds/madonna/$photo" ] || fail "undo left a copy in madonna"
echo "undo: back in elton_john"
key U
wait_file "$work/ds/madonna/$photo" 10
[ ! -e "$work/ds/elton_john/$photo" ] || fail "redo left the photo in elton_john"
echo "redo: in madonna again"
key Tab
wait_for "┌ Duplicates ([1-9]" 10
# (the status bar names the photos too: look at the table's rows only)
listed() { screen | grep -q "^│.*zz_copy.jpg"; }
select_copy() {
  key g
  sleep 0.5
  row=$(screen | grep -n "^│.*zz_copy.jpg" | head -n 1 | cut -d: -f1)
  [ -n "$row" ] || fail "the seeded copy is not on the Duplicates screen"
  first=$(screen | grep -n "^│kind" | head -n 1 | cut -d: -f1)
  for _ in $(seq 1 $(( row - first - 1 ))); do key j; done
}
select_copy
# `a` on a pair moves nothing: it says to keep one side.
before=$(cd "$work/ds" && find . -type f | sort)
key a
wait_for "keeping one side" 10
sleep 1
[ "$(cd "$work/ds" && find . -type f | sort)" = "$before" ] || fail "a on a duplicate pair moved something"
echo "accept on a pair: nothing moved"
key i
# The status line comes first, the refreshed list after it; a capture taken
# mid-redraw can miss a row, so "gone" must hold for three captures running.
wait_for "│ marked madonna/zz_copy.jpg" 20
gone=0
for _ in $(seq 1 80); do
  if listed; then gone=0; else gone=$((gone + 1)); fi
  (( gone >= 3 )) && break
  sleep 0.25
done
(( gone >= 3 )) || fail "the pair marked not a duplicate is still listed"
echo "not a duplicate: pair no longer listed"
key u
wait_for "undid: marked madonna/zz_copy.jpg" 20
for _ in $(seq 1 80); do listed && break; sleep 0.25; done
listed || fail "undo did not list the pair again"
echo "undo: pair listed again"
select_copy
# Keep the original: the copy's side of the pair goes to the trash.
line=$(screen | grep "^│.*zz_copy.jpg" | head -n 1)
if [[ "${line%%zz_copy.jpg*}" == *.jpg* ]]; then key "["; else key "]"; fi
wait_for "to the trash? (y/n)" 5
key y
for _ in $(seq 1 40); do [ -e "$work/ds/madonna/zz_copy.jpg" ] || break; sleep 0.25; done
[ ! -e "$work/ds/madonna/zz_copy.jpg" ] || fail "keeping the original left the copy in place"
[ -e "$work/ds/mindy_kaling/$copy_from" ] || fail "keeping the original removed it"
echo "keep: the copy is in the trash, the original stays"
# Split the folder holding two people: open it, show its first cluster, move
# the whole cluster to a new person (one journaled step), undo, redo.
count() { ls "$work/ds/$1" 2>/dev/null | grep -c "^$2" || true; }
split_is() { # BEN_IN_SPLIT BEN_LEFT JER_LEFT SECONDS
  for _ in $(seq 1 $(( $4 * 4 ))); do
    [ "$(count split_ben ben_)" = "$1" ] && [ "$(count two_people ben_)" = "$2" ] \
      && [ "$(count two_people jer_)" = "$3" ] && [ "$(count split_ben jer_)" = 0 ] && return 0
    sleep 0.25
  done
  fail "split_ben: $(count split_ben ben_) ben, $(count split_ben jer_) jerry; two_people: $(count two_people ben_) ben, $(count two_people jer_) jerry (wanted $1, 0; $2, $3)"
}
key BTab
key BTab
wait_for "People (" 10
key /
key -l two_people
key Enter
key Enter
wait_for "two_people · " 10
wait_for "c clusters: all 14" 10
key c
wait_for "#1 7 ·[0-9.]* ≈ben_afflek" 10
wait_for "two_people · 1-7 of 7 " 10
key M
wait_for "Move cluster (7 photos)" 10
key -l split_ben
key Enter
split_is 7 0 7 20
echo "cluster move: Ben Affleck's 7 photos split off to split_ben, Jerry Seinfeld's 7 stay"
key u
split_is 0 7 7 20
echo "undo: all 14 back in two_people"
key U
split_is 7 0 7 20
echo "redo: split again"
# The map of what is left: Jerry Seinfeld's 7 faces among the centres.
key v
wait_for "two_people · PCA map of 7 faces" 20
wait_for "+two_people (own centre)" 10
key v
echo "map: the 7 faces left, with the folder's own centre"
# The Classifier screen: recall per person and the accuracy per retrain.
key Esc
key Tab
key Tab
key Tab
wait_for "recall per person (held out)" 10
wait_for "accuracy per retrain ([1-9]" 120
echo "classifier: recall per person and accuracy per retrain shown"
# The inbox photo: the last row of Review once the classifier has predicted it.
key BTab
key BTab
wait_for "Review · " 10
key G
for _ in $(seq 1 120); do screen | grep "_inbox/inbox_madonna.jpg" | grep -q "→ madonna" && break; sleep 0.25; done
screen | grep "_inbox/inbox_madonna.jpg" | grep -q "→ madonna" || fail "the inbox photo is not predicted madonna"
inbox_is() { # WHERE SECONDS
  for _ in $(seq 1 $(( $2 * 4 ))); do
    if [ "$1" = madonna ]; then
      [ -e "$work/ds/madonna/inbox_madonna.jpg" ] && [ ! -e "$work/ds/_inbox/inbox_madonna.jpg" ] && return 0
    else
      [ -e "$work/ds/_inbox/inbox_madonna.jpg" ] && [ ! -e "$work/ds/madonna/inbox_madonna.jpg" ] && return 0
    fi
    sleep 0.25
  done
  fail "the inbox photo is not (only) in $1"
}
key a
inbox_is madonna 10
echo "inbox: a filed the photo under its prediction, madonna"
key u
inbox_is _inbox 10
echo "undo: back in the inbox"
key U
inbox_is madonna 10
echo "redo: in madonna again"
[ "$(title)" = "$title_before" ] || fail "the pane title changed to: $(title)"
key q
wait_for "EXIT=0" 10
screen | grep -q -- "icanon echo" || fail "the terminal was not restored (stty shows raw mode)"
echo "quit: exit 0, terminal restored"

# SIGKILL in the middle of an accepted move: the photo is put back in
# elton_john by hand, accepted again with a fault point armed that kills
# the process after the rename and before the store and journal are told;
# the next start rolls the journal forward and says so.
end_session
mv "$work/ds/madonna/$photo" "$work/ds/elton_john/$photo"
tmux -L "$sock" new-session -d -s e2e -x 120 -y 32 \
  "FACECURATE_FAULT_AT=2 ${FACECURATE_CACHE:+FACECURATE_CACHE='$FACECURATE_CACHE' }'$bin' -w '$work/workspace.yaml'; echo \"EXIT=\$?\"; sleep 60"
wait_for "[0-9][0-9] photos │" 120
key Tab
wait_for "Review · [1-9][0-9]* flagged" 10
for _ in $(seq 1 40); do screen | grep "elton_john/$photo" | grep -q "→ madonna" && break; sleep 0.25; done
row=$(screen | grep -n "elton_john/$photo" | head -n 1 | cut -d: -f1)
first=$(screen | grep -n "^│score" | head -n 1 | cut -d: -f1)
[ -n "$row" ] || fail "the photo put back is not on the Review screen"
for _ in $(seq 1 $(( row - first - 1 ))); do key j; done
key a
wait_for "=137" 20  # (drawn over the dead UI, the line may be cut)
[ -e "$work/ds/madonna/$photo" ] || fail "killed after the rename, yet the photo is not in madonna"
echo "kill: SIGKILL after the rename, before the store and journal were told"
end_session
tmux -L "$sock" new-session -d -s e2e -x 120 -y 32 \
  "${FACECURATE_CACHE:+FACECURATE_CACHE='$FACECURATE_CACHE' }'$bin' -w '$work/workspace.yaml'; echo \"EXIT=\$?\"; sleep 60"
wait_for "recovered an interrupted operation" 30
key q
wait_for "EXIT=0" 10
journal=$("$bin" -w "$work/workspace.yaml" log 2>&1)
# (the newest entry comes last)
echo "$journal" | tail -n 1 | grep "applied" | grep -q "$photo" || fail "the journal did not roll the move forward: $journal"
[ -e "$work/ds/madonna/$photo" ] && [ ! -e "$work/ds/elton_john/$photo" ] || fail "the photo is not exactly once, in madonna"
echo "restart: the journal rolled the move forward and the status bar said so"
echo "e2e: 1 passed, 0 failed"
