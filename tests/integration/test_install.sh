#!/usr/bin/env bash
# `make install` into a temporary DESTDIR with PREFIX=/usr: exactly the
# expected files land there and nowhere else, the installed programs run
# (--help) and start from the installed config, and each has a man page made
# from its --help. Uses `install-built` so the binaries under test (plain or
# ASan) are installed as they are, not rebuilt.
. "$(dirname "$0")/lib.sh"

dest=$work/dest
make -s -C "$root" BIN="$bin" BUILD="$work/build" PREFIX=/usr DESTDIR="$dest" \
    install-built >"$work/install.out" 2>&1 || { cat "$work/install.out" >&2; fail "make install-built failed"; }

# Every program in the bin directory, and a page for each and each command.
commands=$("$bin/tallyroom" --help | awk '/^  [a-z]/ { print $1 }')
[ -n "$commands" ] || fail "tallyroom --help lists no commands"
expected=(usr/share/tallyroom/ge2024.yaml usr/share/tallyroom/ge2024.night
          usr/share/doc/tallyroom/README.md usr/share/doc/tallyroom/wire-format.md
          usr/share/doc/tallyroom/config.md usr/share/doc/tallyroom/examples/subscriber.py)
for program in "$bin"/tallyroom*; do
    name=$(basename "$program")
    expected+=("usr/bin/$name" "usr/share/man/man1/$name.1")
done
for command in $commands; do
    expected+=("usr/share/man/man1/tallyroom-$command.1")
done
(cd "$dest" && find . -type f | sed 's|^\./||' | sort) >"$work/installed"
printf '%s\n' "${expected[@]}" | sort >"$work/expected"
diff "$work/expected" "$work/installed" >"$work/diff" \
    || fail "installed files differ from the expected (< expected, > installed): $(cat "$work/diff")"

for name in "${expected[@]}"; do
    case "$name" in
        usr/bin/*) [ -x "$dest/$name" ] || fail "$name is not executable" ;;
    esac
done
cmp -s "$dest/usr/share/tallyroom/ge2024.night" "$root/config/ge2024.night" \
    || fail "the installed night differs from config/ge2024.night"

# The installed programs run, and read the installed config.
for program in "$dest"/usr/bin/tallyroom*; do
    "$program" --help >"$work/help.out" 2>&1 || fail "$program --help exited $?"
    grep -q "^Usage: $(basename "$program")" "$work/help.out" || fail "$program --help: $(head -n 1 "$work/help.out")"
done
"$dest/usr/bin/tallyroom" status -c "$dest/usr/share/tallyroom/ge2024.yaml" \
    -e ingest=tcp://127.0.0.1:1 -e tally_snapshot=tcp://127.0.0.1:2 \
    -e publisher_snapshot=tcp://127.0.0.1:3 >"$work/status.out" 2>&1 && fail "status found daemons on ports 1-3"
grep -q "^ingest .*down" "$work/status.out" \
    || fail "the installed tallyroom did not run on the installed config: $(cat "$work/status.out")"

# The man pages: named after their program, and made from its --help.
grep -q '^\.TH TALLYROOM-INGEST ' "$dest/usr/share/man/man1/tallyroom-ingest.1" \
    || fail "tallyroom-ingest.1 has no .TH TALLYROOM-INGEST"
grep -q 'fsyncs' "$dest/usr/share/man/man1/tallyroom-ingest.1" \
    || fail "tallyroom-ingest.1 does not hold its --help text"
grep -q '^tallyroom-replay \\- ' "$dest/usr/share/man/man1/tallyroom-replay.1" \
    || fail "tallyroom-replay.1 is not named tallyroom-replay"
grep -q 'speed' "$dest/usr/share/man/man1/tallyroom-replay.1" \
    || fail "tallyroom-replay.1 does not hold replay's --help text"
echo "install: ${#expected[@]} files under DESTDIR/usr, programs run, man pages from --help"
